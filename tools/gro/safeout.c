// SPDX-License-Identifier: MIT
/* Output files that replace what was there only once complete (safeout.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safeout.h"

/*
 * The temporary files being written, for the signal handler to remove.
 * Slots are filled and emptied with the handled signals blocked, so the
 * handler never sees a path that is half set or already freed.
 */
#define SOUT_SLOTS 4
static char *volatile tmp_files[SOUT_SLOTS];
/* Those that end a process by default and come from outside (SIGPIPE: a
 * reader of --meta - or of OUT - went away). */
static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

static void on_fatal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;
	unsigned i;

	for (i = 0; i < SOUT_SLOTS; i++)
		if (tmp_files[i])
			unlink(tmp_files[i]);
	/* Die of the signal itself, so that the parent sees why (a shell
	 * reports 128 + the signal number, and a script stops as it should
	 * on Ctrl-C). */
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void block_fatal(sigset_t *old)
{
	sigset_t set;
	unsigned i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		sigaddset(&set, fatal_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void install_handlers(void)
{
	static int done;
	unsigned i;

	if (done)
		return;
	done = 1;
	for (i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++) {
		struct sigaction sa = { .sa_handler = on_fatal }, old;

		/* A signal ignored by whoever started us (nohup, a background
		 * job of a shell) stays ignored, and one that a program
		 * linking this code handles (a fuzzer) stays its own. */
		if (sigaction(fatal_sigs[i], NULL, &old) || (old.sa_flags & SA_SIGINFO) ||
		    old.sa_handler != SIG_DFL)
			continue;
		sigfillset(&sa.sa_mask);
		sigaction(fatal_sigs[i], &sa, NULL);
	}
}

/* @path with every symbolic link on its last component followed (those in
 * the directories are resolved by the kernel as usual). A link to nothing
 * gives the path it names, where the file will be created. NULL and errno
 * on failure. */
static char *follow_links(const char *path)
{
	char *p = strdup(path);
	int hops;

	for (hops = 0; p && hops < 40; hops++) {
		struct stat st;
		char *link, *dir, *next;
		ssize_t n;

		if (lstat(p, &st) || !S_ISLNK(st.st_mode))
			return p;
		link = malloc(PATH_MAX);
		n = link ? readlink(p, link, PATH_MAX - 1) : -1;
		if (n < 0) {
			free(link);
			free(p);
			return NULL;
		}
		link[n] = 0;
		if (link[0] == '/') {
			next = link;
		} else {
			/* Relative to the directory holding the link. */
			dir = strdup(p);
			next = NULL;
			if (dir && asprintf(&next, "%s/%s", dirname(dir), link) < 0)
				next = NULL;
			free(dir);
			free(link);
			if (!next)
				errno = ENOMEM;
		}
		free(p);
		p = next;
	}
	if (p) {
		free(p);
		errno = ELOOP;
	}
	return NULL;
}

static int slot_take(char *tmp)
{
	int i;

	for (i = 0; i < SOUT_SLOTS; i++)
		if (!tmp_files[i]) {
			tmp_files[i] = tmp;
			return i;
		}
	return -1;
}

/* A temporary file beside o->target, "DIR/.NAME.XXXXXX", registered with
 * the signal handler before it exists. Returns its descriptor, or -1. */
static int open_tmp(struct sout *o)
{
	char *d = strdup(o->target), *b = strdup(o->target);
	sigset_t old;
	int fd = -1, e = ENOMEM;

	if (d && b && asprintf(&o->tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) > 0) {
		block_fatal(&old);
		fd = mkstemp(o->tmp);
		e = errno;
		if (fd >= 0) {
			o->slot = slot_take(o->tmp);
			if (o->slot < 0) {
				unlink(o->tmp);
				close(fd);
				fd = -1;
				e = EMFILE;
			}
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (fd < 0) {
			free(o->tmp);
			o->tmp = NULL;
		}
	} else {
		o->tmp = NULL;
	}
	free(d);
	free(b);
	errno = e;
	return fd;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Writing OUT would destroy the input before it was read. */
static int refuse_input(struct sout *o, const char *in_path)
{
	if (!in_path || !strcmp(in_path, "-"))
		fprintf(stderr, "gro: %s: is the same file as the standard input; not overwriting it\n",
			o->path);
	else
		fprintf(stderr, "gro: %s: is the same file as the input %s; not overwriting it\n",
			o->path, in_path);
	sout_abort(o);
	return 1;
}

int sout_open(struct sout *o, const char *path, const char *in_path, const struct stat *in)
{
	struct stat st;
	int fd, have;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->slot = -1;
	install_handlers();
	if (!strcmp(path, "-")) {
		/* A descriptor of our own, so that closing the stream leaves
		 * standard output open. */
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
		if (fd < 0 || fstat(fd, &st))
			goto fail_fd;
		goto in_place;
	}
	o->target = follow_links(path);
	if (!o->target)
		goto fail;
	have = !stat(o->target, &st);
	if (have && in && same_file(&st, in))
		return refuse_input(o, in_path);
	if (have && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (have && !S_ISREG(st.st_mode)) {
		/* A device or a FIFO: written into, never replaced. Opening a
		 * FIFO waits for its reader, as a shell redirection does. */
		fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st))
			goto fail_fd;
		goto in_place;
	}
	fd = open_tmp(o);
	if (fd < 0)
		goto fail;
	if (have) {
		/* The new file keeps the old one's permissions and, where we
		 * may set it (as root), its owner; chown first, since it
		 * clears the set-ID bits. */
		o->replace = 1;
		(void)!fchown(fd, st.st_uid, st.st_gid);
		fchmod(fd, st.st_mode & 07777);
	} else {
		fchmod(fd, 0644);
	}
	goto open_stream;

in_place:
	if (in && same_file(&st, in)) {
		close(fd);
		return refuse_input(o, in_path);
	}
open_stream:
	o->f = fdopen(fd, "wb");
	o->buf = malloc(SOUT_BUFSIZE);
	if (!o->f) {
		close(fd);
		goto fail;
	}
	if (o->buf)
		setvbuf(o->f, o->buf, _IOFBF, SOUT_BUFSIZE);
	/* One thread writes it: no lock for every fwrite(). */
	__fsetlocking(o->f, FSETLOCKING_BYCALLER);
	return 0;

fail_fd:
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
fail:
	fprintf(stderr, "gro: %s: cannot write: %s\n", path, strerror(errno));
	sout_abort(o);
	return 1;
}

int sout_flush(struct sout *o)
{
	if (!o->f)
		return 0;
	if (fflush(o->f) || ferror(o->f)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	if (o->replace && fsync(fileno(o->f)))
		return -1;
	return 0;
}

/* Forget the temporary file, the handler first. */
static void drop_tmp(struct sout *o, int remove)
{
	sigset_t old;

	if (!o->tmp)
		return;
	block_fatal(&old);
	if (remove)
		unlink(o->tmp);
	if (o->slot >= 0)
		tmp_files[o->slot] = NULL;
	o->slot = -1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(o->tmp);
	o->tmp = NULL;
}

int sout_commit(struct sout *o)
{
	int bad = 0;

	errno = 0;
	if (o->f) {
		bad = sout_flush(o) != 0;
		bad |= fclose(o->f) != 0;
		o->f = NULL;
	}
	if (bad) {
		fprintf(stderr, "gro: %s: write failed: %s\n", o->path, strerror(errno ? errno : EIO));
		sout_abort(o);
		return 1;
	}
	if (o->tmp) {
		sigset_t old;
		int e = 0;

		/* Renamed and forgotten by the handler in one step: a signal
		 * now finds either the temporary file or none. */
		block_fatal(&old);
		if (rename(o->tmp, o->target))
			e = errno;
		else
			drop_tmp(o, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (e) {
			fprintf(stderr, "gro: %s: cannot write: %s\n", o->path, strerror(e));
			sout_abort(o);
			return 1;
		}
	}
	sout_abort(o);
	return 0;
}

void sout_abort(struct sout *o)
{
	if (o->f) {
		fclose(o->f);
		o->f = NULL;
	}
	drop_tmp(o, 1);
	free(o->buf);
	free(o->target);
	o->buf = NULL;
	o->target = NULL;
}

int sin_open(struct sin *in, const char *path)
{
	int fd;

	memset(in, 0, sizeof(*in));
	/* Standard input through a descriptor of our own: the stream is
	 * closed with the capture, fd 0 stays. */
	fd = !strcmp(path, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) :
				  open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &in->st) || !(in->f = fdopen(fd, "rb"))) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		fprintf(stderr, "gro: %s: %s\n", path, strerror(e));
		return 1;
	}
	if (S_ISDIR(in->st.st_mode)) {
		fclose(in->f);
		in->f = NULL;
		fprintf(stderr, "gro: %s: %s\n", path, strerror(EISDIR));
		return 1;
	}
	in->buf = malloc(SOUT_BUFSIZE);
	if (in->buf)
		setvbuf(in->f, in->buf, _IOFBF, SOUT_BUFSIZE);
	__fsetlocking(in->f, FSETLOCKING_BYCALLER);
	return 0;
}

void sin_free(struct sin *in)
{
	free(in->buf);
	in->buf = NULL;
}
