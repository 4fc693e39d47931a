// SPDX-License-Identifier: MIT
/*
 * relay_xfer: one TCP transfer of seeded pseudo-random bytes, checked at
 * the far end, for the gro relay test.
 *
 *	relay_xfer server ADDR PORT BYTES SEED	accept one connection, read to
 *						EOF, compare with the stream
 *	relay_xfer client ADDR PORT BYTES SEED	connect, send, close
 *
 * The server prints "ok BYTES" and exits 0 only when exactly BYTES bytes
 * arrived, each the one the seed gives; otherwise it says at which offset
 * the stream went wrong and exits 1. Both give up after 60 seconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 65536

/* The byte stream: xorshift64*, eight bytes per step. */
struct stream {
	uint64_t x;
	uint8_t buf[8];
	unsigned used;
};

static uint8_t next_byte(struct stream *s)
{
	if (s->used == 8) {
		uint64_t v;

		s->x ^= s->x >> 12;
		s->x ^= s->x << 25;
		s->x ^= s->x >> 27;
		v = s->x * 0x2545f4914f6cdd1dull;
		memcpy(s->buf, &v, 8);
		s->used = 0;
	}
	return s->buf[s->used++];
}

static int resolve(const char *addr, const char *port, struct addrinfo **ai, int passive)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	int err;

	if (passive)
		hints.ai_flags |= AI_PASSIVE;
	err = getaddrinfo(addr, port, &hints, ai);
	if (err) {
		fprintf(stderr, "relay_xfer: %s: %s\n", addr, gai_strerror(err));
		return -1;
	}
	return 0;
}

static int server(struct addrinfo *ai, uint64_t bytes, struct stream *s)
{
	static uint8_t buf[CHUNK];
	uint64_t got = 0;
	int one = 1, fd, c;

	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
		perror("relay_xfer: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		perror("relay_xfer: accept");
		return 1;
	}
	for (;;) {
		ssize_t n = read(c, buf, sizeof(buf));
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("relay_xfer: read");
			return 1;
		}
		if (!n)
			break;
		for (i = 0; i < n; i++)
			if (got + (uint64_t)i >= bytes || buf[i] != next_byte(s)) {
				fprintf(stderr, "relay_xfer: the stream differs at byte %llu\n",
					(unsigned long long)(got + (uint64_t)i));
				return 1;
			}
		got += (uint64_t)n;
	}
	if (got != bytes) {
		fprintf(stderr, "relay_xfer: %llu bytes of %llu arrived\n", (unsigned long long)got,
			(unsigned long long)bytes);
		return 1;
	}
	printf("ok %llu\n", (unsigned long long)got);
	return 0;
}

static int client(struct addrinfo *ai, uint64_t bytes, struct stream *s)
{
	static uint8_t buf[CHUNK];
	uint64_t sent = 0;
	int fd = -1, tries;

	/* The server may not be listening yet. */
	for (tries = 0; tries < 50; tries++) {
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (fd >= 0 && !connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
		usleep(100000);
	}
	if (fd < 0) {
		perror("relay_xfer: connect");
		return 1;
	}
	while (sent < bytes) {
		size_t n = bytes - sent < CHUNK ? (size_t)(bytes - sent) : CHUNK, i, off = 0;

		for (i = 0; i < n; i++)
			buf[i] = next_byte(s);
		while (off < n) {
			ssize_t w = write(fd, buf + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				perror("relay_xfer: write");
				return 1;
			}
			off += (size_t)w;
		}
		sent += n;
	}
	/* Wait for the server to have read everything and closed. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct stream s = { .used = 8 };
	struct addrinfo *ai;
	uint64_t bytes;
	int rc;

	if (argc != 6 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
		fprintf(stderr, "usage: relay_xfer server|client ADDR PORT BYTES SEED\n");
		return 2;
	}
	bytes = strtoull(argv[4], NULL, 10);
	s.x = strtoull(argv[5], NULL, 10) | 1;
	alarm(60);
	if (resolve(argv[2], argv[3], &ai, argv[1][0] == 's'))
		return 1;
	rc = argv[1][0] == 's' ? server(ai, bytes, &s) : client(ai, bytes, &s);
	freeaddrinfo(ai);
	return rc;
}
