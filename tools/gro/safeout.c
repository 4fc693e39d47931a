// SPDX-License-Identifier: MIT
/* Output files that replace what was there only once complete (safeout.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
 * reader of --meta - or of OUT - went away; SIGBUS: the mapped input was
 * cut short by another process while we read it). */
static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGBUS };

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

/*
 * Writing behind: what is written to the stream goes into one of SOUT_NBUF
 * buffers that a thread of its own writes out while the caller goes on. On
 * two cores the kernel's copy into the page cache, most of the system time
 * of a large capture, then runs beside the engine instead of after it. The
 * thread starts with the first full buffer (a small file is written by the
 * caller alone) and stops when the stream is closed; the first failed
 * write is kept and returned by the next write, flush or close, with errno
 * set, so that ferror() and errno say what they would have said.
 *
 * Waking a sleeping thread costs a system call and, in a virtual machine,
 * an interrupt between the cores: a tenth of the tool's time when each
 * buffer woke the writer. So each side wakes the other only for half the
 * buffers at once: the writer sleeps until SOUT_WAKE buffers are full (or
 * the stream is flushed or closed), the caller, when all are full, until
 * SOUT_WAKE are free.
 */
#define SOUT_NBUF 8
#define SOUT_WAKE (SOUT_NBUF / 2)

struct sout_async {
	int fd;
	int discard;		/* sout_abort(): the rest is not worth writing */
	/* Both threads read err and discard, which one of them writes. */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	char *buf[SOUT_NBUF];
	size_t len[SOUT_NBUF];
	unsigned head, tail;	/* queued: buf[tail..head), filling: buf[head] */
	size_t fill;		/* bytes in the buffer being filled */
	int stop;
	int draining;		/* the caller waits for everything queued */
	int writer_waits, caller_waits;	/* asleep on @more, @room */
	pthread_cond_t more, room;
	int err;		/* errno of the first failed write, or 0 */
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static void *writer(void *arg)
{
	struct sout_async *a = arg;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (a->head - a->tail < SOUT_WAKE && !a->stop && !a->draining) {
			a->writer_waits = 1;
			pthread_cond_wait(&a->more, &a->lock);
			a->writer_waits = 0;
		}
		if (a->tail == a->head && a->stop)
			break;
		/* Awake: everything queued, then sleep again. */
		while (a->tail != a->head) {
			unsigned i = a->tail % SOUT_NBUF;
			int e = 0;

			pthread_mutex_unlock(&a->lock);
			if (!LOAD(a->err) && !LOAD(a->discard))
				e = write_all(a->fd, a->buf[i], a->len[i]);
			pthread_mutex_lock(&a->lock);
			if (e && !a->err)
				STORE(a->err, e);
			a->tail++;
			if (a->caller_waits &&
			    (a->head - a->tail <= SOUT_NBUF - SOUT_WAKE || a->tail == a->head))
				pthread_cond_signal(&a->room);
		}
		a->draining = 0;
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/* Under the lock: sleep until the writer frees room or drains. */
static void wait_room(struct sout_async *a)
{
	a->caller_waits = 1;
	pthread_cond_wait(&a->room, &a->lock);
	a->caller_waits = 0;
}

/* Queue the buffer being filled and wait for one to fill next; the
 * @last one, if nothing went to a thread, is written in place. */
static void submit(struct sout_async *a, int last)
{
	int wake;

	if (!a->fill)
		return;
	if (!a->started && !last) {
		sigset_t all, old;
		unsigned i;

		/* SIGINT, SIGTERM and SIGHUP stay with the caller's thread
		 * (SIGPIPE is the writer's own, from its write()). */
		sigemptyset(&all);
		for (i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
			if (fatal_sigs[i] != SIGPIPE && fatal_sigs[i] != SIGBUS)
				sigaddset(&all, fatal_sigs[i]);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		a->started = !pthread_create(&a->thread, NULL, writer, a);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (!a->started) {
		/* A small file, or no thread to be had. */
		int e = a->err || a->discard ? 0 : write_all(a->fd, a->buf[0], a->fill);

		if (e && !a->err)
			STORE(a->err, e);
		a->fill = 0;
		return;
	}
	pthread_mutex_lock(&a->lock);
	a->len[a->head % SOUT_NBUF] = a->fill;
	a->head++;
	a->fill = 0;
	wake = a->writer_waits && a->head - a->tail >= SOUT_WAKE;
	while (a->head - a->tail == SOUT_NBUF) {
		/* All full: the writer is woken before the caller sleeps. */
		if (wake)
			pthread_cond_signal(&a->more);
		wake = 0;
		wait_room(a);
	}
	pthread_mutex_unlock(&a->lock);
	/* Once unlocked: the writer then does not wake into a held lock. */
	if (wake)
		pthread_cond_signal(&a->more);
}

/* Everything handed over is written: 0, or -1 with errno. */
static int drain(struct sout_async *a)
{
	submit(a, 1);
	if (a->started) {
		pthread_mutex_lock(&a->lock);
		if (a->tail != a->head) {
			a->draining = 1;
			pthread_cond_signal(&a->more);
			while (a->tail != a->head)
				wait_room(a);
		}
		pthread_mutex_unlock(&a->lock);
	}
	if (LOAD(a->err)) {
		errno = LOAD(a->err);
		return -1;
	}
	return 0;
}

static ssize_t async_write(void *c, const char *p, size_t n)
{
	struct sout_async *a = c;
	size_t done = 0;

	if (LOAD(a->err)) {
		errno = LOAD(a->err);
		return -1;
	}
	while (done < n) {
		size_t k = n - done < SOUT_BUFSIZE - a->fill ? n - done : SOUT_BUFSIZE - a->fill;

		if (!a->discard)
			memcpy(a->buf[a->head % SOUT_NBUF] + a->fill, p + done, k);
		a->fill += k;
		done += k;
		if (a->fill == SOUT_BUFSIZE)
			submit(a, 0);
	}
	return (ssize_t)n;
}

static int async_close(void *c)
{
	struct sout_async *a = c;
	int e = drain(a) ? errno : 0;
	unsigned i;

	if (a->started) {
		pthread_mutex_lock(&a->lock);
		a->stop = 1;
		pthread_cond_signal(&a->more);
		pthread_mutex_unlock(&a->lock);
		pthread_join(a->thread, NULL);
	}
	if (close(a->fd) && !e)
		e = errno;
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->more);
	pthread_cond_destroy(&a->room);
	for (i = 0; i < SOUT_NBUF; i++)
		free(a->buf[i]);
	free(a);
	errno = e;
	return e ? -1 : 0;
}

/* A stream onto @fd that writes behind, or NULL (@fd is then still open). */
static FILE *async_open(int fd, struct sout_async **out)
{
	static const cookie_io_functions_t io = { .write = async_write, .close = async_close };
	struct sout_async *a = calloc(1, sizeof(*a));
	unsigned i;
	FILE *f = NULL;

	if (!a)
		return NULL;
	a->fd = fd;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->more, NULL);
	pthread_cond_init(&a->room, NULL);
	for (i = 0; i < SOUT_NBUF; i++)
		if (!(a->buf[i] = malloc(SOUT_BUFSIZE)))
			goto fail;
	f = fopencookie(a, "wb", io);
	if (f) {
		*out = a;
		return f;
	}
fail:
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->more);
	pthread_cond_destroy(&a->room);
	for (i = 0; i < SOUT_NBUF; i++)
		free(a->buf[i]);
	free(a);
	errno = ENOMEM;
	return NULL;
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
	o->fd = fd;
	o->f = async_open(fd, &o->async);
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
	if (fflush(o->f) || ferror(o->f) || drain(o->async)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	if (o->replace && fsync(o->fd))
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
		/* What the stream still holds goes nowhere. */
		STORE(o->async->discard, 1);
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
	if (S_ISREG(in->st.st_mode) && in->st.st_size > 0 &&
	    (uintmax_t)in->st.st_size <= SIZE_MAX) {
		void *m = mmap(NULL, (size_t)in->st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m != MAP_FAILED) {
			madvise(m, (size_t)in->st.st_size, MADV_SEQUENTIAL);
			in->map = m;
			in->map_len = (size_t)in->st.st_size;
		}
	}
	return 0;
}

void sin_free(struct sin *in)
{
	free(in->buf);
	in->buf = NULL;
	if (in->map)
		munmap((void *)(uintptr_t)in->map, in->map_len);
	in->map = NULL;
}
