/* SPDX-License-Identifier: MIT */
/*
 * Output and input files of the gro tool, opened so that no user data is
 * ever lost:
 *
 * - A regular file OUT (or a new one) is written to a temporary file beside
 *   it, which replaces OUT by rename() only once it is complete. A failure,
 *   or SIGINT, SIGTERM, SIGHUP, SIGPIPE or SIGBUS on the way, removes the temporary file and
 *   leaves OUT as it was.
 * - A symbolic link is followed: its target is replaced, the link stays.
 * - Anything else (a character or block device, a FIFO, "-" for standard
 *   output) is written in place: renaming over it would replace the node
 *   itself, turning /dev/null into a regular file.
 * - OUT that is the input file (same device and inode, also through a link)
 *   is refused before anything is written.
 *
 * Errors are printed as one line, "gro: FILE: reason", by these functions.
 */
#ifndef GRO_SAFEOUT_H
#define GRO_SAFEOUT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

/* stdio buffers of the tool's files: large enough that reading or writing
 * a capture costs few system calls (the default is 4 KiB), small enough
 * that the kernel copies them out of and into a cache that still holds
 * them: a megabyte took about twice the system time of this (dd copying
 * a 4 GiB capture, docs/performance.md). */
#define SOUT_BUFSIZE	(128u << 10)

struct sout {
	const char *path;	/* as the user gave it, for messages */
	char *target;		/* @path with symbolic links followed */
	char *tmp;		/* the temporary file; NULL when writing in place */
	FILE *f;		/* writes behind, from a thread of its own */
	int fd;			/* f's descriptor (fileno() does not know it) */
	struct sout_async *async;	/* f's writer */
	char *buf;		/* f's buffer, freed once f is closed */
	int slot;		/* in the signal handler's list, or -1 */
	int replace;		/* renaming over an existing file: sync first */
};

/* Start writing @path ("-": standard output). @in_path and @in (its
 * fstat(), or NULL) name the input, which OUT must not be. Returns 0, or 1
 * after printing an error. */
int sout_open(struct sout *o, const char *path, const char *in_path, const struct stat *in);

/* Flush the stream and, if it is to replace an existing file, get its data
 * to the disk first (so that a crash cannot leave an empty file where the
 * old one was). 0, or -1 with errno set. */
int sout_flush(struct sout *o);

/* Close o->f (unless the caller did and set it to NULL, after
 * sout_flush()) and move the file into place: 0, or 1 after printing an
 * error (the temporary file is then removed). */
int sout_commit(struct sout *o);

/* Give up: close o->f (unless NULL) and remove the temporary file. Safe
 * after sout_commit() and on a zeroed struct. */
void sout_abort(struct sout *o);

/* An input file ("-": standard input) with a large buffer. */
struct sin {
	FILE *f;
	char *buf;		/* f's buffer */
	struct stat st;		/* fstat() of the open file */
	/* A regular file is mapped as well, whole, where it can be: its
	 * bytes, read in place, then cost no copy and no system call. */
	const uint8_t *map;
	size_t map_len;
};

/* Open @path for reading: 0, or 1 after printing an error. */
int sin_open(struct sin *in, const char *path);

/* Free the buffer and unmap the file; call after in->f was closed (by
 * fclose() or by the library it was given to). */
void sin_free(struct sin *in);

#endif
