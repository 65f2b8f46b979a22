/* encode.c — LAME renditions (see encode.h). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lame/lame.h>

#include "encode.h"

/* Samples per channel handed to LAME at once, and its worst-case output. */
#define FEED_CHUNK 4096
#define MP3BUF_BYTES (FEED_CHUNK * 5 / 4 + 7200)
/* Output is collected and written in blocks of this size. */
#define OUT_BLOCK (256 * 1024)

const int encode_ladder_kbps[ENCODE_MAX_RUNGS] = { 96, 160, 320 };

struct mp3_encoder {
    lame_global_flags *gf;
    int fd;
    int kbps;
    int channels;
    unsigned long long written;
    size_t pending;
    unsigned char *out;            /* OUT_BLOCK + MP3BUF_BYTES */
};

/* LAME keeps a few process-wide tables that lame_init_params fills the
 * first time: set up encoders one at a time. */
static pthread_mutex_t lame_setup_lock = PTHREAD_MUTEX_INITIALIZER;

size_t encode_pick_ladder(unsigned source_kbps, int lossless, int out[ENCODE_MAX_RUNGS])
{
    size_t n = 0;
    int cap = encode_ladder_kbps[ENCODE_MAX_RUNGS - 1];

    if (!lossless && source_kbps > 0) {
        for (size_t i = 0; i < ENCODE_MAX_RUNGS; i++) {
            /* source <= rung * 1.05 */
            if ((unsigned long)source_kbps * 100 <= (unsigned long)encode_ladder_kbps[i] * 105) {
                cap = encode_ladder_kbps[i];
                break;
            }
        }
    }
    for (size_t i = 0; i < ENCODE_MAX_RUNGS; i++)
        if (encode_ladder_kbps[i] <= cap)
            out[n++] = encode_ladder_kbps[i];
    return n;
}

static int write_all(int fd, const unsigned char *p, size_t len, strbuf *err)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            sb_addf(err, "cannot write the rendition: %s", strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int flush_out(mp3_encoder *e, strbuf *err)
{
    if (e->pending == 0)
        return 0;
    if (write_all(e->fd, e->out, e->pending, err) != 0)
        return -1;
    e->written += e->pending;
    e->pending = 0;
    return 0;
}

mp3_encoder *mp3_encoder_new(int kbps, int channels, int fd, strbuf *err)
{
    mp3_encoder *e = NULL;
    int ok = 0, locked = 0;

    if ((channels != 1 && channels != 2) || kbps < 32 || kbps > 320 || fd < 0) {
        sb_adds(err, "bad encoder settings");
        goto cleanup;
    }
    e = calloc(1, sizeof *e);
    if (e == NULL || (e->out = malloc(OUT_BLOCK + MP3BUF_BYTES)) == NULL) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    e->fd = fd;
    e->kbps = kbps;
    e->channels = channels;
    if (pthread_mutex_lock(&lame_setup_lock) != 0) {
        sb_adds(err, "cannot lock the encoder set-up");
        goto cleanup;
    }
    locked = 1;
    e->gf = lame_init();
    if (e->gf == NULL) {
        sb_adds(err, "lame_init failed");
        goto cleanup;
    }
    if (lame_set_num_channels(e->gf, channels) != 0
        || lame_set_in_samplerate(e->gf, ENCODE_SAMPLE_RATE) != 0
        || lame_set_out_samplerate(e->gf, ENCODE_SAMPLE_RATE) != 0
        || lame_set_VBR(e->gf, vbr_off) != 0
        || lame_set_brate(e->gf, kbps) != 0
        || lame_set_mode(e->gf, channels == 1 ? MONO : JOINT_STEREO) != 0
        || lame_set_disable_reservoir(e->gf, 1) != 0
        || lame_set_bWriteVbrTag(e->gf, 1) != 0) {
        sb_adds(err, "LAME refused the settings");
        goto cleanup;
    }
    lame_set_write_id3tag_automatic(e->gf, 0);
    if (lame_init_params(e->gf) < 0) {
        sb_addf(err, "LAME cannot encode %d kbps", kbps);
        goto cleanup;
    }
    ok = 1;
cleanup:
    if (locked)
        (void)pthread_mutex_unlock(&lame_setup_lock);
    if (!ok) {
        mp3_encoder_free(e);
        e = NULL;
    }
    return e;
}

int mp3_encoder_feed(mp3_encoder *e, const float *left, const float *right, size_t n, strbuf *err)
{
    if (e->channels == 1 || right == NULL)
        right = left;
    while (n > 0) {
        int chunk = n > FEED_CHUNK ? FEED_CHUNK : (int)n;
        int got = lame_encode_buffer_ieee_float(e->gf, left, right, chunk, e->out + e->pending,
                                                MP3BUF_BYTES);
        if (got < 0) {
            sb_addf(err, "LAME failed (%d)", got);
            return -1;
        }
        e->pending += (size_t)got;
        if (e->pending >= OUT_BLOCK && flush_out(e, err) != 0)
            return -1;
        left += chunk;
        right += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}

int mp3_encoder_finish(mp3_encoder *e, strbuf *err)
{
    unsigned char tag[2880];   /* twice the largest Layer III frame (1441 bytes) */
    size_t tag_len;
    int got = lame_encode_flush(e->gf, e->out + e->pending, MP3BUF_BYTES);

    if (got < 0) {
        sb_addf(err, "LAME failed to flush (%d)", got);
        return -1;
    }
    e->pending += (size_t)got;
    if (flush_out(e, err) != 0)
        return -1;
    tag_len = lame_get_lametag_frame(e->gf, tag, sizeof tag);
    if (tag_len == 0 || tag_len > sizeof tag || tag_len > e->written) {
        sb_adds(err, "LAME gave no Info frame");
        return -1;
    }
    /* LAME left an empty frame of this size at the start for it. */
    for (size_t done = 0; done < tag_len;) {
        ssize_t n = pwrite(e->fd, tag + done, tag_len - done, (off_t)done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            sb_addf(err, "cannot write the Info frame: %s", strerror(errno));
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

unsigned long long mp3_encoder_bytes(const mp3_encoder *e)
{
    return e->written + e->pending;
}

int mp3_encoder_kbps(const mp3_encoder *e)
{
    return e->kbps;
}

void mp3_encoder_free(mp3_encoder *e)
{
    if (e == NULL)
        return;
    if (e->gf != NULL)
        (void)lame_close(e->gf);
    free(e->out);
    free(e);
}
