/* mp3.c — Layer III frame headers, the frame index of a rendition and the
 * HLS media playlist cut from it.  See mp3.h. */
#include "mp3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* ------------------------------------------------------------ headers */

static const int bitrates_v1[16] = {
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0 };
static const int bitrates_v2[16] = {
    0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 };
static const int rates_v1[3] = { 44100, 48000, 32000 };

int mp3_parse_header(const uint8_t *p, size_t len, mp3_header *h)
{
    if (len < 4 || p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
        return -1;
    int version_bits = (p[1] >> 3) & 3;
    int layer_bits = (p[1] >> 1) & 3;
    int bitrate_index = p[2] >> 4;
    int rate_index = (p[2] >> 2) & 3;
    int padding = (p[2] >> 1) & 1;
    /* Reserved values; free format (index 0) has no length in the header. */
    if (version_bits == 1 || layer_bits != 1 || bitrate_index == 0 || bitrate_index == 15 ||
        rate_index == 3 || (p[3] & 3) == 2)
        return -1;
    mp3_header out;
    out.mpeg_version = version_bits == 3 ? 1 : version_bits == 2 ? 2 : 25;
    out.bitrate_kbps = out.mpeg_version == 1 ? bitrates_v1[bitrate_index]
                                             : bitrates_v2[bitrate_index];
    out.sample_rate = rates_v1[rate_index] / (out.mpeg_version == 1 ? 1 : out.mpeg_version == 2 ? 2 : 4);
    out.channels = (p[3] >> 6) == 3 ? 1 : 2;
    out.samples_per_frame = out.mpeg_version == 1 ? 1152 : 576;
    out.frame_bytes = (size_t)(out.samples_per_frame / 8) * (size_t)out.bitrate_kbps * 1000u /
                      (size_t)out.sample_rate + (size_t)padding;
    *h = out;
    return 0;
}

/* ------------------------------------------------------------ Info frame */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is the frame at p (frame_bytes long) a Xing/Info/VBRI header?  Fills the
 * encoder delay and padding from a LAME tag when there is one. */
static int is_info_frame(const uint8_t *p, const mp3_header *h, uint32_t *delay, uint32_t *padding)
{
    size_t side = h->mpeg_version == 1 ? (h->channels == 1 ? 17 : 32) : (h->channels == 1 ? 9 : 17);
    size_t at = 4 + ((p[1] & 1) ? 0 : 2) + side;   /* protection bit clear: a CRC follows */
    size_t n = h->frame_bytes;
    if (n >= 36 + 4 && memcmp(p + 36, "VBRI", 4) == 0)
        return 1;
    if (at + 8 > n || (memcmp(p + at, "Xing", 4) != 0 && memcmp(p + at, "Info", 4) != 0))
        return 0;
    uint32_t flags = be32(p + at + 4);
    size_t lame = at + 8 + ((flags & 1) ? 4 : 0) + ((flags & 2) ? 4 : 0) +
                  ((flags & 4) ? 100 : 0) + ((flags & 8) ? 4 : 0);
    /* LAME extension: 9-byte version string, ..., delay and padding at +21 (12 bits each). */
    if (lame + 24 <= n && (memcmp(p + lame, "LAME", 4) == 0 || memcmp(p + lame, "Lavf", 4) == 0 ||
                           memcmp(p + lame, "Lavc", 4) == 0)) {
        const uint8_t *d = p + lame + 21;
        *delay = (uint32_t)d[0] << 4 | (uint32_t)(d[1] >> 4);
        *padding = (uint32_t)(d[1] & 0x0F) << 8 | d[2];
    }
    return 1;
}

/* ------------------------------------------------------------ building */

static size_t id3v2_size(const uint8_t *d, size_t len)
{
    if (len < 10 || memcmp(d, "ID3", 3) != 0 || d[3] == 0xFF || d[4] == 0xFF ||
        ((d[6] | d[7] | d[8] | d[9]) & 0x80))
        return 0;
    size_t size = (size_t)d[6] << 21 | (size_t)d[7] << 14 | (size_t)d[8] << 7 | d[9];
    size += 10 + ((d[5] & 0x10) ? 10 : 0);
    return size <= len ? size : len;
}

/* Trailing tags end the audio: ID3v1, APEv2, Lyrics3. */
static int is_trailer(const uint8_t *p, size_t left)
{
    return (left == 128 && memcmp(p, "TAG", 3) == 0) ||
           (left >= 8 && memcmp(p, "APETAGEX", 8) == 0) ||
           (left >= 6 && memcmp(p, "LYRICS", 6) == 0);
}

static int same_stream(const mp3_header *a, const mp3_header *b)
{
    return a->sample_rate == b->sample_rate && a->mpeg_version == b->mpeg_version;
}

static void push_offset(mp3_index *ix, size_t *cap, uint64_t off)
{
    if (ix->nframes + 1 >= *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        uint64_t *n = realloc(ix->offsets, ncap * sizeof *n);
        if (!n) {
            log_error("out of memory");
            abort();
        }
        ix->offsets = n;
        *cap = ncap;
    }
    ix->offsets[ix->nframes++] = off;
}

int mp3_index_build(const uint8_t *data, size_t len, mp3_index *out, strbuf *err)
{
    mp3_index ix;
    memset(&ix, 0, sizeof ix);
    size_t cap = 0, pos = id3v2_size(data, len), frames_seen = 0;
    uint64_t end = 0;
    mp3_header first = {0}, h, next;
    int synced = 0, have_first = 0, rc = -1;

    while (pos + 4 <= len) {
        if (mp3_parse_header(data + pos, len - pos, &h) != 0 || (have_first && !synced && !same_stream(&h, &first))) {
            if (synced && is_trailer(data + pos, len - pos))
                break;
            synced = 0;
            pos++;
            continue;
        }
        if (pos + h.frame_bytes > len) {
            if (synced) {
                sb_addf(err, "truncated file: the frame at byte %zu needs %zu bytes, %zu are left",
                        pos, h.frame_bytes, len - pos);
                goto cleanup;
            }
            pos++;
            continue;
        }
        if (!synced) {
            /* Two headers in a row, or a lone frame that ends the file. */
            size_t after = pos + h.frame_bytes;
            int ok = after == len && frames_seen == 0;
            if (!ok && mp3_parse_header(data + after, len - after, &next) == 0 && same_stream(&h, &next))
                ok = 1;
            if (!ok) {
                pos++;
                continue;
            }
            synced = 1;
        } else if (!same_stream(&h, &first)) {
            sb_addf(err, "mixed sample rates: %d Hz at byte %zu after %d Hz", h.sample_rate, pos,
                    first.sample_rate);
            goto cleanup;
        }
        if (frames_seen++ == 0 && is_info_frame(data + pos, &h, &ix.encoder_delay, &ix.encoder_padding)) {
            first = h;
            have_first = 1;
            pos += h.frame_bytes;
            continue;
        }
        if (ix.nframes == 0) {
            first = h;
            have_first = 1;
            ix.sample_rate = (uint32_t)h.sample_rate;
            ix.channels = (uint32_t)h.channels;
            ix.bitrate_kbps = (uint32_t)h.bitrate_kbps;
            ix.samples_per_frame = (uint32_t)h.samples_per_frame;
        }
        if (ix.nframes >= UINT32_MAX - 1) {
            sb_adds(err, "too many frames");
            goto cleanup;
        }
        push_offset(&ix, &cap, pos);
        pos += h.frame_bytes;
        end = pos;
    }
    if (ix.nframes == 0) {
        sb_adds(err, "no MPEG audio Layer III frames found");
        goto cleanup;
    }
    push_offset(&ix, &cap, end);
    ix.nframes--;   /* the last entry is the end, not a frame */
    *out = ix;
    rc = 0;
cleanup:
    if (rc != 0)
        free(ix.offsets);
    return rc;
}

void mp3_index_free(mp3_index *ix)
{
    if (!ix)
        return;
    free(ix->offsets);
    ix->offsets = NULL;
    ix->nframes = 0;
}

/* ------------------------------------------------------------ file format */

#define IX_MAGIC "LYIX"
#define IX_VERSION 1u
#define IX_HEADER_BYTES (4 + 4 * 8)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Written to a temporary name beside path and renamed into place, so a
 * reader never sees half an index. */
int mp3_index_save(const mp3_index *ix, const char *path)
{
    strbuf tmp = STRBUF_INIT;
    FILE *f = NULL;
    int rc = -1;
    uint8_t head[IX_HEADER_BYTES], buf[8];

    if (!ix->offsets)
        goto cleanup;
    sb_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp.buf, "wb");
    if (!f) {
        log_error("cannot write %s: %s", tmp.buf, strerror(errno));
        goto cleanup;
    }
    memcpy(head, IX_MAGIC, 4);
    put32(head + 4, IX_VERSION);
    put32(head + 8, ix->sample_rate);
    put32(head + 12, ix->channels);
    put32(head + 16, ix->bitrate_kbps);
    put32(head + 20, ix->samples_per_frame);
    put32(head + 24, ix->encoder_delay);
    put32(head + 28, ix->encoder_padding);
    put32(head + 32, ix->nframes);
    if (fwrite(head, 1, sizeof head, f) != sizeof head)
        goto write_failed;
    for (uint64_t i = 0; i <= ix->nframes; i++) {
        put64(buf, ix->offsets[i]);
        if (fwrite(buf, 1, 8, f) != 8)
            goto write_failed;
    }
    int closed = fclose(f);
    f = NULL;
    if (closed != 0)
        goto write_failed;
    if (rename(tmp.buf, path) != 0) {
        log_error("cannot rename %s to %s: %s", tmp.buf, path, strerror(errno));
        goto cleanup;
    }
    rc = 0;
    goto cleanup;
write_failed:
    log_error("cannot write %s: %s", tmp.buf, strerror(errno));
cleanup:
    if (f)
        fclose(f);
    if (rc != 0 && tmp.len)
        unlink(tmp.buf);
    sb_free(&tmp);
    return rc;
}

int mp3_index_load(const char *path, mp3_index *out, strbuf *err)
{
    FILE *f = NULL;
    uint8_t *raw = NULL;
    mp3_index ix;
    int rc = -1;
    long size;
    memset(&ix, 0, sizeof ix);

    f = fopen(path, "rb");
    if (!f) {
        sb_addf(err, "cannot open %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        sb_addf(err, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (size < IX_HEADER_BYTES + 16) {
        sb_addf(err, "%s: too short for a frame index", path);
        goto cleanup;
    }
    raw = malloc((size_t)size);
    if (!raw || fread(raw, 1, (size_t)size, f) != (size_t)size) {
        sb_addf(err, "cannot read %s", path);
        goto cleanup;
    }
    if (memcmp(raw, IX_MAGIC, 4) != 0 || get32(raw + 4) != IX_VERSION) {
        sb_addf(err, "%s: not a version %u frame index", path, IX_VERSION);
        goto cleanup;
    }
    ix.sample_rate = get32(raw + 8);
    ix.channels = get32(raw + 12);
    ix.bitrate_kbps = get32(raw + 16);
    ix.samples_per_frame = get32(raw + 20);
    ix.encoder_delay = get32(raw + 24);
    ix.encoder_padding = get32(raw + 28);
    ix.nframes = get32(raw + 32);
    if (ix.nframes == 0 || (uint64_t)size != IX_HEADER_BYTES + ((uint64_t)ix.nframes + 1) * 8 ||
        ix.sample_rate == 0 || ix.samples_per_frame == 0) {
        sb_addf(err, "%s: corrupt frame index", path);
        goto cleanup;
    }
    ix.offsets = malloc(((size_t)ix.nframes + 1) * sizeof *ix.offsets);
    if (!ix.offsets) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    for (uint64_t i = 0; i <= ix.nframes; i++) {
        ix.offsets[i] = get64(raw + IX_HEADER_BYTES + i * 8);
        if (i > 0 && ix.offsets[i] <= ix.offsets[i - 1]) {
            sb_addf(err, "%s: corrupt frame index (offsets out of order)", path);
            goto cleanup;
        }
    }
    *out = ix;
    ix.offsets = NULL;
    rc = 0;
cleanup:
    if (f)
        fclose(f);
    free(raw);
    free(ix.offsets);
    return rc;
}

/* ------------------------------------------------------------ figures */

uint64_t mp3_index_duration_ms(const mp3_index *ix)
{
    if (!ix->sample_rate)
        return 0;
    uint64_t samples = (uint64_t)ix->nframes * ix->samples_per_frame;
    uint64_t trim = (uint64_t)ix->encoder_delay + ix->encoder_padding;
    samples = samples > trim ? samples - trim : 0;
    return (samples * 1000 + ix->sample_rate / 2) / ix->sample_rate;
}

uint64_t mp3_index_peak_bandwidth(const mp3_index *ix)
{
    uint64_t peak = 0;
    if (!ix->sample_rate || !ix->samples_per_frame)
        return 0;
    for (uint32_t first = 0; first < ix->nframes; first += MP3_FRAMES_PER_SEGMENT) {
        uint32_t n = ix->nframes - first < MP3_FRAMES_PER_SEGMENT ? ix->nframes - first
                                                                   : MP3_FRAMES_PER_SEGMENT;
        uint64_t bytes = ix->offsets[first + n] - ix->offsets[first];
        uint64_t samples = (uint64_t)n * ix->samples_per_frame;
        uint64_t bps = (bytes * 8 * ix->sample_rate + samples - 1) / samples;
        if (bps > peak)
            peak = bps;
    }
    return peak;
}

void mp3_hls_media_playlist(const mp3_index *ix, const char *media_uri, strbuf *out)
{
    double frame_s = ix->sample_rate ? (double)ix->samples_per_frame / ix->sample_rate : 0;
    uint32_t longest = ix->nframes < MP3_FRAMES_PER_SEGMENT ? ix->nframes : MP3_FRAMES_PER_SEGMENT;
    /* Whole seconds, rounded up: every EXTINF stays within it. */
    long target = (long)(longest * frame_s);
    if ((double)target < longest * frame_s || target == 0)
        target++;
    sb_adds(out, "#EXTM3U\n#EXT-X-VERSION:4\n");
    sb_addf(out, "#EXT-X-TARGETDURATION:%ld\n", target);
    sb_adds(out, "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (uint32_t first = 0; first < ix->nframes; first += MP3_FRAMES_PER_SEGMENT) {
        uint32_t n = ix->nframes - first < MP3_FRAMES_PER_SEGMENT ? ix->nframes - first
                                                                   : MP3_FRAMES_PER_SEGMENT;
        uint64_t start = ix->offsets[first];
        uint64_t bytes = ix->offsets[first + n] - start;
        sb_addf(out, "#EXTINF:%.5f,\n#EXT-X-BYTERANGE:%llu@%llu\n%s\n", n * frame_s,
                (unsigned long long)bytes, (unsigned long long)start, media_uri);
    }
    sb_adds(out, "#EXT-X-ENDLIST\n");
}
