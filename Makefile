# Generic revoke for Linux 6.12: build, boot and test.
#
#   make run          build the fast kernel and boot it (shell on a terminal,
#                     otherwise a short demonstration)
#   make check        debug kernel, KUnit, kselftests, expect tests, checkpatch;
#                     ends with "N passed, N failed"
#   make check BASE=1 the same test suites on the unpatched base
#   make bench        base vs patched fast kernels under qemu -icount;
#                     table in build/bench.json and build/bench.svg
#   make series       the series as mails in build/series (format-patch,
#                     cover letter, checkpatch, get_maintainer) and a
#                     kernel built and booted at every patch; BISECT=0
#                     skips that
#   make refresh      quilt refresh of the top patch applied in build/src
#   make deb          Debian packages of the patched kernel in build/deb
#                     (Debian's config, trimmed to LSMOD=, default
#                     scripts/harness/configs/deb-modules.txt)
#   make deb-check    boot the packaged kernel under QEMU once and run
#                     the revoke-tty and revoke-alsa kselftests in it
#   make docs         Documentation/filesystems as HTML (make htmldocs),
#                     revoke.rst with its API reference among it
#
# See README.md.

SHELL := /bin/bash
TOP := $(CURDIR)
H := $(TOP)/scripts/harness
B := $(TOP)/build
BASE ?= 0
TIMEOUT ?= 900
# snd-dummy with real buffers, so that its PCM mmaps set their PTEs in
# ->mmap() (remap_pfn_range()); snd-aloop covers mappings filled at fault time.
CHECK_APPEND := snd_dummy.fake_buffer=0
PY := /usr/bin/python3

ifeq ($(BASE),1)
TREE := base
else
TREE := src
endif

SELFTESTS := revoke-tty revoke-alsa revoke

.PHONY: series bench all deps assemble kernel-run kernel-check selftests check run refresh \
	checkpatch clean distclean help deb deb-check docs

all: help

help:
	@sed -n '2,/^$$/p' Makefile | sed -n 's/^# \{0,1\}//p'

deps:
	@$(H)/deps.sh

assemble: deps
	@$(H)/assemble.sh $(TREE)

kernel-run: assemble
	@$(H)/kbuild.sh $(TREE) run

kernel-check: assemble
	@$(H)/kbuild.sh $(TREE) check

# The tests are user space: always built from our tree (base + patches + ours).
selftests: deps
	@$(H)/assemble.sh src
	@echo "==> building kselftests: $(SELFTESTS)"
	@rm -rf $(B)/kselftest
	@$(MAKE) -s -C $(B)/src/tools/testing/selftests TARGETS="$(SELFTESTS)" \
		O=$(B)/kselftest-build install INSTALL_PATH=$(B)/kselftest >$(B)/kselftest-build.log 2>&1 || \
		{ tail -n 30 $(B)/kselftest-build.log; echo "error: the kselftests do not build (build/kselftest-build.log)"; exit 1; }
	@! grep -E 'warning:|error:' $(B)/kselftest-build.log || \
		{ echo "error: the kselftests build with warnings"; exit 1; }

# checkpatch on patches/ and our files, then the series as mails (make
# series without the build at every patch): checkpatch and get_maintainer.
# W=1 and sparse on the objects the series touches, with the check
# kernel's config (make check builds that kernel first). A tinyconfig
# kernel of the patched tree, without CONFIG_REVOKE, must link.
checkpatch: deps
	@$(H)/assemble.sh src
	@$(H)/assemble.sh base
	@$(H)/checkpatch.sh >$(B)/checkpatch.result
	@$(H)/warnings.sh >>$(B)/checkpatch.result
	@$(H)/tinyconfig.sh >>$(B)/checkpatch.result
	@SERIES_OUT=$(B)/series-check $(H)/series.sh >$(B)/series.out 2>&1 || \
		echo "not ok series: make series BISECT=0 failed (build/series.out)" >>$(B)/checkpatch.result
	@grep -E '^(ok|not ok) ' $(B)/series.out >>$(B)/checkpatch.result || true

check: kernel-check selftests $(if $(filter 1,$(BASE)),,checkpatch)
	@echo "==> booting the $(TREE)/check kernel and running the tests (timeout $(TIMEOUT) s)"
	@rc=0; $(PY) $(H)/qemu-run.py --kernel $(B)/obj-$(TREE)-check/arch/x86/boot/bzImage \
		--run scripts/harness/guest/check.sh --results $(B)/results-$(TREE) \
		--append "$(CHECK_APPEND)" \
		--log $(B)/check-$(TREE).log --timeout $(TIMEOUT) --quiet || rc=$$?; \
	echo "==> results (console log: build/check-$(TREE).log)"; \
	$(PY) $(H)/report.py --log $(B)/check-$(TREE).log --results $(B)/results-$(TREE) \
		--src $(B)/src --top $(TOP) --guest-rc $$rc --kunit \
		$(if $(filter 1,$(BASE)),--base-xfail $(H)/base-xfail.txt,--checkpatch $(B)/checkpatch.result)

# Both fast kernels with the same config, each booted twice under -icount.
bench: deps selftests
	@$(H)/assemble.sh base && $(H)/kbuild.sh base run
	@$(H)/assemble.sh src && $(H)/kbuild.sh src run
	@$(PY) $(H)/bench.py --top $(TOP)

run: kernel-run selftests
	@$(H)/run.sh $(B)/obj-$(TREE)-run/arch/x86/boot/bzImage

BISECT ?= 1
series: deps
	@$(H)/assemble.sh base
	@$(H)/series.sh $(if $(filter 1,$(BISECT)),--bisect)

refresh:
	@cd $(B)/src && QUILT_PATCHES=patches quilt refresh -p ab --no-timestamps --no-index && \
		$(H)/assemble.sh rehash

# Installable packages of the patched kernel (make bindeb-pkg), always of
# build/src; LSMOD=/proc/modules keeps the modules of this machine instead.
LSMOD ?=
deb: deps
	@$(H)/assemble.sh src
	@$(H)/deb.sh build "$(LSMOD)"

# Boot the packaged kernel; builds the packages first when there are none.
deb-check: selftests $(if $(wildcard $(B)/deb/linux-image-*.deb),,deb)
	@TIMEOUT=$(TIMEOUT) $(H)/deb.sh check

# The kernel's own htmldocs, for Documentation/filesystems only.
docs:
	@$(H)/deps.sh python3-sphinx python3-sphinx-rtd-theme
	@$(H)/assemble.sh src
	@$(H)/docs.sh

clean:
	rm -rf $(B)/obj-* $(B)/kselftest* $(B)/results-* $(B)/*.log

distclean:
	rm -rf $(B)
