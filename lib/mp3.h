/* mp3.h — MPEG audio Layer III frames: the frame index written beside each
 * rendition at ingest, and the HLS playlists cut from it.
 *
 * A rendition is one CBR MP3 file (LAME, 44.1 kHz, bit reservoir off, so
 * every frame decodes on its own).  Its index lists the byte offset of every
 * audio frame; an ID3v2 tag and a leading Xing/Info/VBRI frame are skipped
 * (the Info frame's encoder delay and padding are kept in the index, for a
 * gapless player).  HLS segments are runs of MP3_FRAMES_PER_SEGMENT frames
 * (230 frames = 6.008 s at 44.1 kHz), the same on every rung of a ladder, so
 * a client can switch bitrate at any segment boundary.
 */
#ifndef LYRE_MP3_H
#define LYRE_MP3_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define MP3_FRAMES_PER_SEGMENT 230

typedef struct mp3_header {
    int mpeg_version;        /* 1, 2 (MPEG-2 LSF) or 25 (MPEG-2.5) */
    int bitrate_kbps;
    int sample_rate;
    int channels;            /* 1 or 2 */
    int samples_per_frame;   /* 1152 (MPEG-1) or 576 */
    size_t frame_bytes;
} mp3_header;

/* Parse the 4-byte header at p (len bytes available).  0, or -1 if p is not a
 * valid Layer III frame header (free format is refused). */
int mp3_parse_header(const uint8_t *p, size_t len, mp3_header *h);

typedef struct mp3_index {
    uint32_t sample_rate;
    uint32_t channels;
    uint32_t bitrate_kbps;       /* of the first audio frame (CBR: of all) */
    uint32_t samples_per_frame;
    uint32_t encoder_delay;      /* samples, from the LAME Info frame (0 if none) */
    uint32_t encoder_padding;    /* samples */
    uint32_t nframes;
    uint64_t *offsets;           /* nframes + 1 entries; offsets[nframes] = end of the last frame */
} mp3_index;

/* Walk the frames of a whole MP3 file in memory.  Resyncs after garbage only
 * on two consecutive valid headers.  0, or -1 with a reason in err (no
 * frames, mixed sample rates, truncated file…). */
int mp3_index_build(const uint8_t *data, size_t len, mp3_index *out, strbuf *err);
/* Store / load the index as a small binary file ("LYIX" v1, little endian). */
int mp3_index_save(const mp3_index *ix, const char *path);
int mp3_index_load(const char *path, mp3_index *out, strbuf *err);
void mp3_index_free(mp3_index *ix);

/* Duration in milliseconds (decoded samples less delay and padding). */
uint64_t mp3_index_duration_ms(const mp3_index *ix);
/* Peak bits per second over the HLS segments (BANDWIDTH attribute). */
uint64_t mp3_index_peak_bandwidth(const mp3_index *ix);

/* An HLS media playlist (version 4, EXT-X-BYTERANGE) whose every segment is
 * a byte range of media_uri.  Appended to out. */
void mp3_hls_media_playlist(const mp3_index *ix, const char *media_uri, strbuf *out);

#endif
