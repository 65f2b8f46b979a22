/* audio.h — decode any audio source, read its tags and cover (libavformat,
 * libavcodec, libswresample).
 *
 * Containers accepted: MP3, FLAC, Ogg (Vorbis, Opus, FLAC), WAV, AIFF,
 * MP4/M4A (AAC, ALAC) and raw ADTS AAC; anything else (a text file named
 * .mp3, a picture, a video without sound) is refused with a reason.
 *
 * Tags are read from the container and the audio stream (Ogg keeps them on
 * the stream), whatever the tagging scheme (ID3v2, Vorbis comments, MP4
 * atoms).  Text values are trimmed, control characters become spaces, and a
 * value that is not valid UTF-8 is dropped; values are capped at
 * AUDIO_TAG_MAX_BYTES (names and titles at 255 characters, the size of
 * their columns).  What cannot be a mistake of formatting refuses the whole
 * file, with the reason: a track or disc number that is not a number
 * ("abc"), out of range, a year that is not a plausible year (99999), a tag
 * of AUDIO_TAG_ABSURD_BYTES or more.
 *
 * Decoding gives 44.1 kHz float PCM (the rate of every rendition), mono for
 * a mono source and stereo for anything else (more channels are mixed
 * down).  The duration is counted from the decoded samples at the source's
 * own rate (encoder delay and padding already trimmed by the decoder), not
 * from what the header claims; a file that decodes to clearly less than its
 * header claims is refused as truncated.
 *
 * An audio_file is used by one thread; several threads may each use their
 * own at the same time.
 */
#ifndef LYRE_AUDIO_H
#define LYRE_AUDIO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define AUDIO_TAG_MAX_BYTES 1000
#define AUDIO_NAME_MAX_CHARS 255
#define AUDIO_GENRE_MAX_CHARS 100
#define AUDIO_TAG_ABSURD_BYTES (256 * 1024)
#define AUDIO_MBID_LEN 36

typedef struct audio_tags {
    char *title;                 /* NULL = absent (malloc'd, cleaned) */
    char *artist;
    char *album_artist;
    char *album;
    char *genre;
    char *artist_sort;           /* ARTISTSORT / TSOP, when present */
    char *album_artist_sort;
    unsigned track_no, track_total;    /* 0 = unknown */
    unsigned disc_no, disc_total;
    unsigned year;
    int compilation;             /* the compilation flag (TCMP, cpil, COMPILATION=1) */
    char mb_track_id[AUDIO_MBID_LEN + 1];          /* "" = absent; lowercase UUID */
    char mb_album_id[AUDIO_MBID_LEN + 1];
    char mb_artist_id[AUDIO_MBID_LEN + 1];
    char mb_album_artist_id[AUDIO_MBID_LEN + 1];
    int has_track_gain, has_track_peak, has_album_gain, has_album_peak;
    double track_gain_db, track_peak, album_gain_db, album_peak;
} audio_tags;

typedef struct audio_info {
    char container[16];          /* "mp3", "flac", "ogg", "wav", "mp4", "aac", "aiff" */
    char codec[16];              /* "mp3", "flac", "vorbis", "opus", "aac", "alac", "pcm_s16le"... */
    int lossless;
    unsigned source_kbps;        /* measured from the audio packets (lossy) or the container */
    unsigned source_rate;        /* Hz */
    unsigned source_channels;
    unsigned channels;           /* of the decoded PCM: 1 or 2 */
    double declared_seconds;     /* what the container claims (0 = unknown) */
} audio_info;

typedef struct audio_file audio_file;

/* Called with each block of decoded PCM (44.1 kHz, right == left for mono).
 * Return 0 to go on, -1 to stop (the reason in err). */
typedef int (*audio_pcm_fn)(void *ctx, const float *left, const float *right, size_t nsamples,
                            strbuf *err);

/* Quiet libav's own messages (Lyre reports its own); call once at start. */
void audio_global_init(void);

/* Open and probe path, read its tags, cover and bitrate.  NULL with the
 * reason in err ("not a supported audio file", "no audio stream",
 * "malformed track number \"abc\""...). */
audio_file *audio_open(const char *path, strbuf *err);
const audio_info *audio_file_info(const audio_file *f);
const audio_tags *audio_file_tags(const audio_file *f);
/* The embedded cover (the first attached picture), or NULL. */
const uint8_t *audio_file_cover(const audio_file *f, size_t *len);

/* Decode the whole file, handing PCM to fn.  stop (may be NULL) is polled
 * between packets: when it becomes non-zero decoding ends with "interrupted".
 * 0, or -1 with the reason in err. */
int audio_decode(audio_file *f, audio_pcm_fn fn, void *ctx, const volatile sig_atomic_t *stop, strbuf *err);
/* After audio_decode: the exact duration, in milliseconds and in samples
 * at the source rate. */
uint64_t audio_decoded_ms(const audio_file *f);
uint64_t audio_decoded_samples(const audio_file *f);

void audio_close(audio_file *f);

/* The tag cleaners, exposed for tests. */
/* Cleaned copy of s (malloc'd), or NULL when nothing usable remains.
 * max_chars 0 = no limit other than AUDIO_TAG_MAX_BYTES. */
char *audio_clean_text(const char *s, size_t max_chars);
/* "3", "03", " 3/12 ": 0 (number in *n, total in *total or 0), 1 when s is
 * empty or "0" (unknown), -1 when malformed or above max. */
int audio_parse_position(const char *s, unsigned max, unsigned *n, unsigned *total);
/* "2019", "2019-05-01", "2019-05-01T10:00:00": 0 (year in *year), 1 when
 * empty or all zeros, -1 when malformed or not in 1000..2100. */
int audio_parse_year(const char *s, unsigned *year);
/* The first UUID in s (MusicBrainz ids), lowercased into out; 0 or -1. */
int audio_parse_mbid(const char *s, char out[AUDIO_MBID_LEN + 1]);
/* "-6.50 dB" -> -6.5; 0 or -1 (also for values outside +/-99 dB). */
int audio_parse_gain(const char *s, double *db);

#endif
