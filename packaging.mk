# make install / make uninstall: the header, both libraries, libgro.pc, the
# gro tool and the man pages. GNU-style directories, each overridable;
# DESTDIR stages the whole tree elsewhere (packages, tests):
#
#   make install PREFIX=/usr DESTDIR=/tmp/stage
#
# After a real install (no DESTDIR) as root, ldconfig refreshes the loader's
# cache so that programs find libgro.so.1 in LIBDIR; LDCONFIG=: skips it.
PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
BINDIR       ?= $(EXEC_PREFIX)/bin
LIBDIR       ?= $(EXEC_PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATAROOTDIR  ?= $(PREFIX)/share
MANDIR       ?= $(DATAROOTDIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR      ?=
INSTALL      ?= install
LDCONFIG     ?= ldconfig

PC_IN := libgro.pc.in
PC    := $(BUILD)/libgro.pc
MAN1  := man/gro.1
MAN3  := man/libgro.3
# Every name the shared library exports (src/libgro.map) gets a man3 page
# that sources libgro(3), so that `man gro_segment` finds the overview.
MAN3_LINKS := $(shell sed -n 's/^[[:space:]]*\(gro_[a-z0-9_]*\);$$/\1/p' $(SO_MAP) 2>/dev/null)

# A directory under the prefix is written relative to it in libgro.pc
# (libdir=${exec_prefix}/lib), so that pkg-config --define-prefix can move
# the tree; any other stays absolute. $(call pc_dir,DIR,BASE,NAME)
pc_dir = $(if $(filter $(2),$(1)),$${$(3)},$(if $(filter $(2)/%,$(1)),$${$(3)}/$(patsubst $(2)/%,%,$(1)),$(1)))

.PHONY: install install-lib install-bin install-man uninstall pc FORCE

# libgro.pc holds the directories of the install it is made for: made again
# every time, never stale when PREFIX or LIBDIR change between runs.
pc: $(PC)
$(PC): $(PC_IN) include/gro.h FORCE
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|' \
	    -e 's|@EXEC_PREFIX@|$(call pc_dir,$(EXEC_PREFIX),$(PREFIX),prefix)|' \
	    -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR),$(EXEC_PREFIX),exec_prefix)|' \
	    -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR),$(PREFIX),prefix)|' \
	    -e 's|@VERSION@|$(SO_VER)|' $(PC_IN) > $@.tmp && mv $@.tmp $@
FORCE:

install: install-lib install-bin install-man

# The shared library under its full name, the soname link the loader uses,
# and the libgro.so link the linker's -lgro finds. Mode 644: the loader maps
# it without execute permission on the file, and Debian's policy asks for it.
install-lib: $(LIB) $(SHLIB) $(PC)
	$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 644 include/gro.h $(DESTDIR)$(INCLUDEDIR)/gro.h
	$(INSTALL) -m 644 include/gro_dpdk.h $(DESTDIR)$(INCLUDEDIR)/gro_dpdk.h
	$(INSTALL) -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libgro.a
	$(INSTALL) -m 644 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB))
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(LIBDIR)/libgro.so
	$(INSTALL) -m 644 $(PC) $(DESTDIR)$(PKGCONFIGDIR)/libgro.pc
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v $(LDCONFIG) >/dev/null 2>&1; then \
		echo "$(LDCONFIG)"; $(LDCONFIG); fi

install-bin: $(GRO_BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 755 $(GRO_BIN) $(DESTDIR)$(BINDIR)/gro

install-man: $(MAN1) $(MAN3)
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/gro.1
	$(INSTALL) -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/libgro.3
	@mkdir -p $(BUILD) && echo '.so man3/libgro.3' > $(BUILD)/man3.so
	@echo "install: $(words $(MAN3_LINKS)) man3 pages (gro_create.3 ...) that source libgro.3"
	@for n in $(MAN3_LINKS); do \
		$(INSTALL) -m 644 $(BUILD)/man3.so $(DESTDIR)$(MANDIR)/man3/$$n.3 || exit 1; \
	done

# Removes the files install put there, never a directory (they are shared).
uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/gro.h $(DESTDIR)$(INCLUDEDIR)/gro_dpdk.h \
	      $(DESTDIR)$(LIBDIR)/libgro.a $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) \
	      $(DESTDIR)$(LIBDIR)/$(SO_NAME) $(DESTDIR)$(LIBDIR)/libgro.so \
	      $(DESTDIR)$(PKGCONFIGDIR)/libgro.pc $(DESTDIR)$(BINDIR)/gro \
	      $(DESTDIR)$(MANDIR)/man1/gro.1 $(DESTDIR)$(MANDIR)/man3/libgro.3 \
	      $(MAN3_LINKS:%=$(DESTDIR)$(MANDIR)/man3/%.3)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v $(LDCONFIG) >/dev/null 2>&1; then \
		echo "$(LDCONFIG)"; $(LDCONFIG); fi
