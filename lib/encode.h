/* encode.h — the MP3 ladder: LAME renditions of one decoded source.
 *
 * Every rung is CBR at 44.1 kHz (the input must already be 44.1 kHz, so no
 * rung resamples and every frame of every rung lasts 1152 samples: HLS
 * segments line up across the ladder), with the bit reservoir off (each
 * frame decodes on its own, so a player can switch rungs at any segment)
 * and the LAME Info frame (encoder delay and padding, for gapless playback)
 * written at the start of the file once the encoding is done.  A mono
 * source gives mono renditions; anything else joint stereo.  No ID3 tag:
 * the catalog keeps the metadata.  Quality is LAME's default, the same as
 * the `lame` command line.
 */
#ifndef LYRE_ENCODE_H
#define LYRE_ENCODE_H

#include <stddef.h>

#include "str.h"

#define ENCODE_SAMPLE_RATE 44100
#define ENCODE_MAX_RUNGS 3

/* The whole ladder, ascending: 96, 160, 320 kbps. */
extern const int encode_ladder_kbps[ENCODE_MAX_RUNGS];

/* The rungs worth making of a source: all of them for a lossless one;
 * otherwise those at or below the source's bitrate rounded up to the next
 * rung (5 % tolerance for nominal rates such as 163.84 kbps), and always
 * at least the lowest (a 128 kbps MP3 gets 96 and 160, never 320).
 * source_kbps 0 (unknown) counts as lossless.  Fills out ascending and
 * returns how many (1..ENCODE_MAX_RUNGS). */
size_t encode_pick_ladder(unsigned source_kbps, int lossless, int out[ENCODE_MAX_RUNGS]);

/* One rung: a LAME encoder writing to fd, which must be an empty file open
 * for reading and writing at offset 0. */
typedef struct mp3_encoder mp3_encoder;

/* channels 1 or 2.  NULL with the reason in err. */
mp3_encoder *mp3_encoder_new(int kbps, int channels, int fd, strbuf *err);
/* Encode n samples per channel, floats scaled to +/-1 (right ignored for
 * mono).  0 or -1 (err). */
int mp3_encoder_feed(mp3_encoder *e, const float *left, const float *right, size_t n, strbuf *err);
/* Flush the last frames, then write the Info frame over the first frame.
 * 0 or -1 (err). */
int mp3_encoder_finish(mp3_encoder *e, strbuf *err);
/* Bytes written so far. */
unsigned long long mp3_encoder_bytes(const mp3_encoder *e);
int mp3_encoder_kbps(const mp3_encoder *e);
void mp3_encoder_free(mp3_encoder *e);

#endif
