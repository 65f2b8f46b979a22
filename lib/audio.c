/* audio.c — decoding, tags and covers through libav* (see audio.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>

#include "audio.h"
#include "encode.h"

/* Demuxers we accept (av_match_list matches one name of "mov,mp4,m4a,..."). */
#define FORMAT_WHITELIST "mp3,flac,ogg,wav,mp4,aac,aiff"
/* An embedded picture larger than this is not kept (artwork refuses it anyway). */
#define COVER_MAX_BYTES (32u * 1024 * 1024)
/* Truncation: decoded less than the header claims by more than 2 % + 0.25 s. */
#define TRUNCATED_RATIO 0.98
#define TRUNCATED_SLACK 0.25
/* Decoded audio beyond what the container declares, up to this, is padding. */
#define PADDING_MS_MAX 100

struct audio_file {
    char *path;
    audio_info info;
    audio_tags tags;
    uint8_t *cover;
    size_t cover_len;
    uint64_t samples;              /* decoded, at the first decoded rate */
    unsigned samples_rate;
    int rate_changed;
    double seconds;                /* decoded, summed over rate changes */
};

void audio_global_init(void)
{
    av_log_set_level(AV_LOG_QUIET);
}

/* ------------------------------------------------------------ messages */

/* "value" for a message: at most 40 bytes, anything unprintable as \xNN. */
static void add_quoted(strbuf *sb, const char *s)
{
    size_t i;
    sb_addc(sb, '"');
    for (i = 0; s[i] != '\0' && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            sb_addc(sb, (char)c);
        else
            sb_addf(sb, "\\x%02x", c);
    }
    sb_addc(sb, '"');
    if (s[i] != '\0')
        sb_adds(sb, "...");
}

static void av_reason(strbuf *err, const char *what, int code)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    if (av_strerror(code, buf, sizeof buf) != 0)
        (void)snprintf(buf, sizeof buf, "error %d", code);
    sb_addf(err, "%s: %s", what, buf);
}

/* ------------------------------------------------------------ text */

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when invalid (overlong, surrogate, above U+10FFFF). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0], v;
    size_t len, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF))
        || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

char *audio_clean_text(const char *s, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, chars = 0;
    strbuf out = STRBUF_INIT;
    unsigned cp;

    /* The whole value must be valid: a Latin-1 string mislabelled as UTF-8
     * would otherwise be cut into mojibake. */
    while (i < n) {
        size_t len = utf8_next(p + i, n - i, &cp);
        if (len == 0)
            return NULL;
        i += len;
    }
    for (i = 0; i < n;) {
        size_t len = utf8_next(p + i, n - i, &cp);
        int space = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
        if (out.len + len > AUDIO_TAG_MAX_BYTES || (max_chars > 0 && chars == max_chars))
            break;
        if (space) {
            if (out.len > 0)
                sb_addc(&out, ' ');
        } else if (!(cp == ' ' && out.len == 0)) {
            sb_add(&out, p + i, len);
        }
        if (out.len > 0)
            chars++;
        i += len;
    }
    while (out.len > 0 && out.buf[out.len - 1] == ' ')
        sb_setlen(&out, out.len - 1);
    if (out.len == 0) {
        sb_free(&out);
        return NULL;
    }
    return sb_detach(&out, NULL);
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Digits at *s into *v (capped well above any limit); how many digits. */
static int read_number(const char **s, unsigned long *v)
{
    int digits = 0;
    *v = 0;
    while (**s >= '0' && **s <= '9') {
        if (*v < 100000000UL)
            *v = *v * 10 + (unsigned long)(**s - '0');
        (*s)++;
        digits++;
    }
    return digits;
}

int audio_parse_position(const char *s, unsigned max, unsigned *n, unsigned *total)
{
    unsigned long v, t = 0;

    *n = 0;
    *total = 0;
    s = skip_spaces(s);
    if (*s == '\0')
        return 1;
    if (read_number(&s, &v) == 0)
        return -1;
    s = skip_spaces(s);
    if (*s == '/') {
        s = skip_spaces(s + 1);
        if (*s != '\0' && read_number(&s, &t) == 0)
            return -1;
        s = skip_spaces(s);
    }
    if (*s != '\0' || v > max || t > max)
        return -1;
    *total = (unsigned)t;
    if (v == 0)
        return 1;
    *n = (unsigned)v;
    return 0;
}

int audio_parse_year(const char *s, unsigned *year)
{
    unsigned long v;
    int digits;

    *year = 0;
    s = skip_spaces(s);
    if (*s == '\0')
        return 1;
    digits = read_number(&s, &v);
    if (digits == 0)
        return -1;
    /* "2019", "2019-05-01", "2019/05", "2019-05-01T10:00" (a date may follow). */
    if (*s != '\0' && *s != '-' && *s != '/' && *s != '.' && *s != ' ' && *s != 'T')
        return -1;
    if (v == 0)
        return 1;
    if (digits != 4 || v < 1000 || v > 2100)
        return -1;
    *year = (unsigned)v;
    return 0;
}

int audio_parse_mbid(const char *s, char out[AUDIO_MBID_LEN + 1])
{
    static const int dash_at[] = { 8, 13, 18, 23 };
    size_t n = strlen(s);

    out[0] = '\0';
    for (size_t start = 0; start + AUDIO_MBID_LEN <= n; start++) {
        int ok = 1;
        for (int i = 0; i < AUDIO_MBID_LEN && ok; i++) {
            char c = s[start + (size_t)i];
            int dash = i == dash_at[0] || i == dash_at[1] || i == dash_at[2] || i == dash_at[3];
            ok = dash ? c == '-' : isxdigit((unsigned char)c) != 0;
        }
        if (!ok)
            continue;
        for (int i = 0; i < AUDIO_MBID_LEN; i++)
            out[i] = (char)tolower((unsigned char)s[start + (size_t)i]);
        out[AUDIO_MBID_LEN] = '\0';
        return 0;
    }
    return -1;
}

static int parse_double(const char *s, const char *unit, double lo, double hi, double *out)
{
    char *end;
    double v;

    s = skip_spaces(s);
    if (*s == '\0')
        return -1;
    v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < lo || v > hi)
        return -1;
    end = (char *)skip_spaces(end);
    if (unit != NULL && strncasecmp(end, unit, strlen(unit)) == 0)
        end = (char *)skip_spaces(end + strlen(unit));
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

int audio_parse_gain(const char *s, double *db)
{
    return parse_double(s, "dB", -99.0, 99.0, db);
}

/* ------------------------------------------------------------ tags */

typedef struct tag_source {
    const AVDictionary *a;         /* the container's */
    const AVDictionary *b;         /* the audio stream's */
} tag_source;

static const char *tag_get(const tag_source *ts, const char *const *keys)
{
    for (; *keys != NULL; keys++) {
        const AVDictionaryEntry *e = av_dict_get(ts->a, *keys, NULL, 0);
        if (e == NULL || e->value[0] == '\0')
            e = av_dict_get(ts->b, *keys, NULL, 0);
        if (e != NULL && e->value[0] != '\0')
            return e->value;
    }
    return NULL;
}

#define KEYS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int absurd_tags(const AVDictionary *d, strbuf *err)
{
    const AVDictionaryEntry *e = NULL;
    while ((e = av_dict_get(d, "", e, AV_DICT_IGNORE_SUFFIX)) != NULL) {
        size_t n = strlen(e->value);
        if (n >= AUDIO_TAG_ABSURD_BYTES) {
            sb_adds(err, "tag ");
            add_quoted(err, e->key);
            sb_addf(err, " is %zu bytes (limit %d)", n, AUDIO_TAG_ABSURD_BYTES - 1);
            return 1;
        }
    }
    return 0;
}

static void text_tag(const tag_source *ts, const char *const *keys, size_t max_chars, char **out)
{
    const char *v = tag_get(ts, keys);
    if (v != NULL)
        *out = audio_clean_text(v, max_chars);
}

static int position_tag(const tag_source *ts, const char *what, const char *const *keys,
                        const char *const *total_keys, unsigned max, unsigned *n, unsigned *total, strbuf *err)
{
    const char *v = tag_get(ts, keys);
    unsigned t = 0, dummy;

    if (v != NULL && audio_parse_position(v, max, n, total) < 0) {
        sb_addf(err, "malformed %s ", what);
        add_quoted(err, v);
        return -1;
    }
    v = tag_get(ts, total_keys);
    if (v != NULL && *total == 0) {
        if (audio_parse_position(v, max, &t, &dummy) < 0) {
            sb_addf(err, "malformed %s total ", what);
            add_quoted(err, v);
            return -1;
        }
        *total = t;
    }
    return 0;
}

static void gain_tag(const tag_source *ts, const char *key, int *has, double *out)
{
    const char *v = tag_get(ts, KEYS(key));
    *has = v != NULL && audio_parse_gain(v, out) == 0;
}

static void peak_tag(const tag_source *ts, const char *key, int *has, double *out)
{
    const char *v = tag_get(ts, KEYS(key));
    *has = v != NULL && parse_double(v, NULL, 0.0, 100.0, out) == 0;
}

/* Opus R128 gains: Q7.8 dB relative to -23 LUFS; ReplayGain's reference is 5 dB louder. */
static void r128_tag(const tag_source *ts, const char *key, int *has, double *out)
{
    const char *v = tag_get(ts, KEYS(key));
    long q;
    if (*has || v == NULL || str_to_long(v, -32768, 32767, &q) != 0)
        return;
    *out = (double)q / 256.0 + 5.0;
    *has = 1;
}

static void mbid_tag(const tag_source *ts, const char *const *keys, char out[AUDIO_MBID_LEN + 1])
{
    const char *v = tag_get(ts, keys);
    if (v == NULL || audio_parse_mbid(v, out) != 0)
        out[0] = '\0';
}

static int read_tags(audio_file *f, const AVFormatContext *fc, const AVStream *st, strbuf *err)
{
    tag_source ts = { fc->metadata, st->metadata };
    audio_tags *t = &f->tags;
    const char *v;

    if (absurd_tags(fc->metadata, err) || absurd_tags(st->metadata, err))
        return -1;
    text_tag(&ts, KEYS("title"), AUDIO_NAME_MAX_CHARS, &t->title);
    text_tag(&ts, KEYS("artist"), AUDIO_NAME_MAX_CHARS, &t->artist);
    text_tag(&ts, KEYS("album_artist", "albumartist", "album artist"), AUDIO_NAME_MAX_CHARS, &t->album_artist);
    text_tag(&ts, KEYS("album"), AUDIO_NAME_MAX_CHARS, &t->album);
    text_tag(&ts, KEYS("genre"), AUDIO_GENRE_MAX_CHARS, &t->genre);
    text_tag(&ts, KEYS("artist-sort", "artistsort", "artist_sort", "sort_artist"), AUDIO_NAME_MAX_CHARS,
             &t->artist_sort);
    text_tag(&ts, KEYS("album_artist-sort", "albumartistsort", "album_artist_sort", "sort_album_artist"),
             AUDIO_NAME_MAX_CHARS, &t->album_artist_sort);
    if (position_tag(&ts, "track number", KEYS("track", "tracknumber"), KEYS("tracktotal", "totaltracks"),
                     9999, &t->track_no, &t->track_total, err) != 0
        || position_tag(&ts, "disc number", KEYS("disc", "discnumber"), KEYS("disctotal", "totaldiscs"),
                        999, &t->disc_no, &t->disc_total, err) != 0)
        return -1;
    v = tag_get(&ts, KEYS("date", "year", "originaldate", "originalyear"));
    if (v != NULL && audio_parse_year(v, &t->year) < 0) {
        sb_adds(err, "malformed year ");
        add_quoted(err, v);
        return -1;
    }
    v = tag_get(&ts, KEYS("compilation", "itunescompilation"));
    t->compilation = v != NULL && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0
                                   || strcasecmp(v, "yes") == 0);
    mbid_tag(&ts, KEYS("musicbrainz_trackid", "MusicBrainz Track Id"), t->mb_track_id);
    mbid_tag(&ts, KEYS("musicbrainz_albumid", "MusicBrainz Album Id"), t->mb_album_id);
    mbid_tag(&ts, KEYS("musicbrainz_artistid", "MusicBrainz Artist Id"), t->mb_artist_id);
    mbid_tag(&ts, KEYS("musicbrainz_albumartistid", "MusicBrainz Album Artist Id"), t->mb_album_artist_id);
    gain_tag(&ts, "replaygain_track_gain", &t->has_track_gain, &t->track_gain_db);
    peak_tag(&ts, "replaygain_track_peak", &t->has_track_peak, &t->track_peak);
    gain_tag(&ts, "replaygain_album_gain", &t->has_album_gain, &t->album_gain_db);
    peak_tag(&ts, "replaygain_album_peak", &t->has_album_peak, &t->album_peak);
    r128_tag(&ts, "r128_track_gain", &t->has_track_gain, &t->track_gain_db);
    r128_tag(&ts, "r128_album_gain", &t->has_album_gain, &t->album_gain_db);
    return 0;
}

static void free_tags(audio_tags *t)
{
    free(t->title);
    free(t->artist);
    free(t->album_artist);
    free(t->album);
    free(t->genre);
    free(t->artist_sort);
    free(t->album_artist_sort);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ opening */

static int open_input(const char *path, AVFormatContext **out, int *stream_index, strbuf *err)
{
    AVFormatContext *fc = NULL;
    AVDictionary *opts = NULL;
    int rc = -1, r;

    *out = NULL;
    if (av_dict_set(&opts, "format_whitelist", FORMAT_WHITELIST, 0) < 0
        || av_dict_set(&opts, "protocol_whitelist", "file", 0) < 0) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    r = avformat_open_input(&fc, path, NULL, &opts);
    if (r < 0) {
        if (r == AVERROR(EINVAL) || r == AVERROR_INVALIDDATA)
            sb_adds(err, "not a supported audio file");
        else
            av_reason(err, "cannot open", r);
        goto cleanup;
    }
    r = avformat_find_stream_info(fc, NULL);
    if (r < 0) {
        av_reason(err, "unreadable", r);
        goto cleanup;
    }
    r = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (r < 0 || fc->streams[r]->codecpar->ch_layout.nb_channels <= 0
        || fc->streams[r]->codecpar->sample_rate <= 0) {
        sb_adds(err, "no audio stream");
        goto cleanup;
    }
    *stream_index = r;
    *out = fc;
    fc = NULL;
    rc = 0;
cleanup:
    av_dict_free(&opts);
    avformat_close_input(&fc);
    return rc;
}

/* "mov,mp4,m4a,3gp,3g2,mj2" -> "mp4"; otherwise the first name of a list. */
static void short_name(char *dst, size_t size, const char *name)
{
    size_t n;
    if (strncmp(name, "mov,", 4) == 0)
        name = "mp4";
    n = strcspn(name, ",");
    if (n >= size)
        n = size - 1;
    memcpy(dst, name, n);
    dst[n] = '\0';
}

static void take_cover(audio_file *f, const AVFormatContext *fc)
{
    for (unsigned i = 0; i < fc->nb_streams; i++) {
        const AVStream *st = fc->streams[i];
        if (!(st->disposition & AV_DISPOSITION_ATTACHED_PIC) || st->attached_pic.size <= 0)
            continue;
        if ((size_t)st->attached_pic.size > COVER_MAX_BYTES)
            return;
        f->cover = malloc((size_t)st->attached_pic.size);
        if (f->cover != NULL) {
            memcpy(f->cover, st->attached_pic.data, (size_t)st->attached_pic.size);
            f->cover_len = (size_t)st->attached_pic.size;
        }
        return;
    }
}

/* Average bitrate of the audio packets (what a lossy source really holds;
 * the container's figure counts covers and overhead). */
static unsigned measure_kbps(AVFormatContext *fc, int si)
{
    AVPacket *pkt = av_packet_alloc();
    const AVStream *st = fc->streams[si];
    uint64_t bytes = 0;
    int64_t ticks = 0;
    double seconds;

    if (pkt == NULL)
        return 0;
    while (av_read_frame(fc, pkt) >= 0) {
        if (pkt->stream_index == si) {
            bytes += (uint64_t)pkt->size;
            if (pkt->duration > 0)
                ticks += pkt->duration;
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    seconds = ticks > 0 ? (double)ticks * av_q2d(st->time_base)
                        : (fc->duration > 0 ? (double)fc->duration / AV_TIME_BASE : 0.0);
    if (seconds <= 0.0)
        return 0;
    return (unsigned)((double)bytes * 8.0 / seconds / 1000.0 + 0.5);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* libavformat sizes a WAV's audio by the file when the file is shorter than
 * its data chunk claims, so a cut WAV would pass as a short one: compare
 * the chunk's size with what the file holds.  0 fine, -1 truncated (err). */
static int wav_check_length(const char *path, strbuf *err)
{
    unsigned char head[12], chunk[8];
    FILE *f = fopen(path, "rb");
    long long offset = 12, file_size;
    int rc = 0;

    if (f == NULL)
        return 0;
    if (fseek(f, 0, SEEK_END) != 0 || (file_size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0
        || fread(head, 1, sizeof head, f) != sizeof head || memcmp(head, "RIFF", 4) != 0
        || memcmp(head + 8, "WAVE", 4) != 0)
        goto cleanup;
    /* Walk the chunks up to "data" (a few at most: fmt, LIST, fact...). */
    for (int i = 0; i < 64 && fread(chunk, 1, sizeof chunk, f) == sizeof chunk; i++) {
        uint32_t size = le32(chunk + 4);
        offset += 8;
        if (memcmp(chunk, "data", 4) == 0) {
            /* 0 and 0xFFFFFFFF mark a stream written without a known length. */
            if (size != 0 && size != 0xFFFFFFFFu && offset + (long long)size > file_size + 1) {
                sb_addf(err, "truncated: the WAV data chunk announces %u bytes, the file holds %lld", size,
                        file_size - offset);
                rc = -1;
            }
            goto cleanup;
        }
        offset += (long long)size + (size & 1);
        if (fseek(f, offset, SEEK_SET) != 0)
            goto cleanup;
    }
cleanup:
    (void)fclose(f);
    return rc;
}

audio_file *audio_open(const char *path, strbuf *err)
{
    audio_file *f = NULL;
    AVFormatContext *fc = NULL;
    const AVCodecParameters *par;
    const AVCodecDescriptor *desc;
    int si = -1, ok = 0;

    f = calloc(1, sizeof *f);
    if (f == NULL || (f->path = strdup(path)) == NULL) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    if (open_input(path, &fc, &si, err) != 0)
        goto cleanup;
    par = fc->streams[si]->codecpar;
    if (avcodec_find_decoder(par->codec_id) == NULL) {
        sb_addf(err, "no decoder for %s", avcodec_get_name(par->codec_id));
        goto cleanup;
    }
    short_name(f->info.container, sizeof f->info.container, fc->iformat->name);
    if (strcmp(f->info.container, "wav") == 0 && wav_check_length(path, err) != 0)
        goto cleanup;
    short_name(f->info.codec, sizeof f->info.codec, avcodec_get_name(par->codec_id));
    desc = avcodec_descriptor_get(par->codec_id);
    f->info.lossless = desc != NULL && (desc->props & AV_CODEC_PROP_LOSSLESS)
                       && !(desc->props & AV_CODEC_PROP_LOSSY);
    f->info.source_rate = (unsigned)par->sample_rate;
    f->info.source_channels = (unsigned)par->ch_layout.nb_channels;
    f->info.channels = par->ch_layout.nb_channels == 1 ? 1 : 2;
    if (fc->duration > 0 && fc->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE)
        f->info.declared_seconds = (double)fc->duration / AV_TIME_BASE;
    if (read_tags(f, fc, fc->streams[si], err) != 0)
        goto cleanup;
    take_cover(f, fc);
    if (f->info.lossless)
        f->info.source_kbps = par->bit_rate > 0 ? (unsigned)(par->bit_rate / 1000)
                                                : (unsigned)(fc->bit_rate > 0 ? fc->bit_rate / 1000 : 0);
    else
        f->info.source_kbps = measure_kbps(fc, si);
    ok = 1;
cleanup:
    avformat_close_input(&fc);
    if (!ok) {
        audio_close(f);
        f = NULL;
    }
    return f;
}

const audio_info *audio_file_info(const audio_file *f)
{
    return &f->info;
}

const audio_tags *audio_file_tags(const audio_file *f)
{
    return &f->tags;
}

const uint8_t *audio_file_cover(const audio_file *f, size_t *len)
{
    *len = f->cover_len;
    return f->cover;
}

/* ------------------------------------------------------------ decoding */

typedef struct decoder {
    AVFormatContext *fc;
    AVCodecContext *dec;
    SwrContext *swr;
    AVPacket *pkt;
    AVFrame *frame;
    int si;
    /* What swr was set up for. */
    int in_rate;
    int in_format;
    AVChannelLayout in_layout;
    AVChannelLayout out_layout;
    uint8_t *out[2];
    int out_cap;                   /* samples per channel */
    unsigned errors;
    unsigned long packets;
} decoder;

static void decoder_free(decoder *d)
{
    if (d->out[0] != NULL)
        av_freep(&d->out[0]);
    swr_free(&d->swr);
    av_frame_free(&d->frame);
    av_packet_free(&d->pkt);
    avcodec_free_context(&d->dec);
    avformat_close_input(&d->fc);
    av_channel_layout_uninit(&d->in_layout);
    av_channel_layout_uninit(&d->out_layout);
}

static int setup_swr(decoder *d, const AVFrame *fr, strbuf *err)
{
    AVChannelLayout in = { 0 };
    int r, rc = -1;

    if (fr->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || fr->ch_layout.nb_channels <= 0)
        av_channel_layout_default(&in, fr->ch_layout.nb_channels > 0 ? fr->ch_layout.nb_channels
                                                                       : d->dec->ch_layout.nb_channels);
    else if (av_channel_layout_copy(&in, &fr->ch_layout) < 0) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    if (in.nb_channels <= 0 || fr->sample_rate <= 0) {
        sb_adds(err, "decoded audio without channels or rate");
        goto cleanup;
    }
    swr_free(&d->swr);
    r = swr_alloc_set_opts2(&d->swr, &d->out_layout, AV_SAMPLE_FMT_FLTP, ENCODE_SAMPLE_RATE, &in,
                            (enum AVSampleFormat)fr->format, fr->sample_rate, 0, NULL);
    if (r < 0 || (r = swr_init(d->swr)) < 0) {
        av_reason(err, "cannot convert the audio", r);
        goto cleanup;
    }
    av_channel_layout_uninit(&d->in_layout);
    d->in_layout = in;
    memset(&in, 0, sizeof in);
    d->in_rate = fr->sample_rate;
    d->in_format = fr->format;
    rc = 0;
cleanup:
    av_channel_layout_uninit(&in);
    return rc;
}

static int grow_out(decoder *d, int want, strbuf *err)
{
    if (want <= d->out_cap)
        return 0;
    if (d->out[0] != NULL)
        av_freep(&d->out[0]);
    d->out[1] = NULL;
    if (av_samples_alloc(d->out, NULL, d->out_layout.nb_channels, want, AV_SAMPLE_FMT_FLTP, 0) < 0) {
        sb_adds(err, "out of memory");
        d->out_cap = 0;
        return -1;
    }
    if (d->out_layout.nb_channels == 1)
        d->out[1] = d->out[0];
    d->out_cap = want;
    return 0;
}

/* Convert (frame, or NULL to drain swr) and hand the PCM on. */
static int emit(decoder *d, const AVFrame *fr, audio_pcm_fn fn, void *ctx, strbuf *err)
{
    int in = fr != NULL ? fr->nb_samples : 0;
    int want = swr_get_out_samples(d->swr, in);
    int got;

    if (want < 0 || grow_out(d, want + 256, err) != 0)
        return -1;
    got = swr_convert(d->swr, d->out, d->out_cap, fr != NULL ? (const uint8_t **)fr->extended_data : NULL, in);
    if (got < 0) {
        av_reason(err, "cannot convert the audio", got);
        return -1;
    }
    if (got == 0)
        return 0;
    return fn(ctx, (const float *)d->out[0], (const float *)d->out[1], (size_t)got, err);
}

static int frame_changed(const decoder *d, const AVFrame *fr)
{
    return d->swr == NULL || fr->sample_rate != d->in_rate || fr->format != d->in_format
           || fr->ch_layout.nb_channels != d->in_layout.nb_channels;
}

static int take_frames(audio_file *f, decoder *d, audio_pcm_fn fn, void *ctx, strbuf *err)
{
    for (;;) {
        int r = avcodec_receive_frame(d->dec, d->frame);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
            return 0;
        if (r < 0) {
            d->errors++;
            if (r == AVERROR_INVALIDDATA)
                continue;
            av_reason(err, "decoding failed", r);
            return -1;
        }
        if (d->frame->nb_samples > 0 && d->frame->sample_rate > 0) {
            if (frame_changed(d, d->frame)) {
                if (d->swr != NULL && emit(d, NULL, fn, ctx, err) != 0)
                    return -1;
                if (setup_swr(d, d->frame, err) != 0)
                    return -1;
            }
            if (f->samples_rate == 0)
                f->samples_rate = (unsigned)d->frame->sample_rate;
            if ((unsigned)d->frame->sample_rate == f->samples_rate)
                f->samples += (uint64_t)d->frame->nb_samples;
            else
                f->rate_changed = 1;
            f->seconds += (double)d->frame->nb_samples / d->frame->sample_rate;
            if (emit(d, d->frame, fn, ctx, err) != 0)
                return -1;
        }
        av_frame_unref(d->frame);
    }
}

int audio_decode(audio_file *f, audio_pcm_fn fn, void *ctx, const volatile sig_atomic_t *stop, strbuf *err)
{
    decoder d;
    const AVCodec *codec;
    int rc = -1, r;

    memset(&d, 0, sizeof d);
    f->samples = 0;
    f->samples_rate = 0;
    f->rate_changed = 0;
    f->seconds = 0.0;
    av_channel_layout_default(&d.out_layout, (int)f->info.channels);
    if (open_input(f->path, &d.fc, &d.si, err) != 0)
        goto cleanup;
    codec = avcodec_find_decoder(d.fc->streams[d.si]->codecpar->codec_id);
    d.dec = codec != NULL ? avcodec_alloc_context3(codec) : NULL;
    d.pkt = av_packet_alloc();
    d.frame = av_frame_alloc();
    if (d.dec == NULL || d.pkt == NULL || d.frame == NULL) {
        sb_adds(err, codec == NULL ? "no decoder" : "out of memory");
        goto cleanup;
    }
    if ((r = avcodec_parameters_to_context(d.dec, d.fc->streams[d.si]->codecpar)) < 0) {
        av_reason(err, "bad codec parameters", r);
        goto cleanup;
    }
    /* Files are decoded in parallel already: one thread per decoder. */
    d.dec->thread_count = 1;
    d.dec->pkt_timebase = d.fc->streams[d.si]->time_base;
    if ((r = avcodec_open2(d.dec, codec, NULL)) < 0) {
        av_reason(err, "cannot open the decoder", r);
        goto cleanup;
    }
    for (;;) {
        if (stop != NULL && *stop) {
            sb_adds(err, "interrupted");
            goto cleanup;
        }
        r = av_read_frame(d.fc, d.pkt);
        if (r == AVERROR_EOF)
            break;
        if (r < 0) {
            av_reason(err, "read error", r);
            goto cleanup;
        }
        if (d.pkt->stream_index == d.si) {
            d.packets++;
            r = avcodec_send_packet(d.dec, d.pkt);
            if (r < 0 && r != AVERROR(EAGAIN)) {
                d.errors++;
                if (r != AVERROR_INVALIDDATA) {
                    av_reason(err, "decoding failed", r);
                    goto cleanup;
                }
            }
            if (take_frames(f, &d, fn, ctx, err) != 0)
                goto cleanup;
        }
        av_packet_unref(d.pkt);
    }
    if (avcodec_send_packet(d.dec, NULL) >= 0 && take_frames(f, &d, fn, ctx, err) != 0)
        goto cleanup;
    if (d.swr != NULL && emit(&d, NULL, fn, ctx, err) != 0)
        goto cleanup;
    if (f->seconds <= 0.0) {
        sb_adds(err, "no audio could be decoded");
        goto cleanup;
    }
    if (f->info.declared_seconds > 0.0
        && f->seconds < f->info.declared_seconds * TRUNCATED_RATIO - TRUNCATED_SLACK) {
        sb_addf(err, "truncated: %.1f s decoded of the %.1f s its header announces", f->seconds,
                f->info.declared_seconds);
        goto cleanup;
    }
    /* A scratch or two is music with a click; more is a damaged file. */
    if (d.errors > 2 + d.packets / 1000) {
        sb_addf(err, "damaged: %u of %lu packets could not be decoded", d.errors, d.packets);
        goto cleanup;
    }
    rc = 0;
cleanup:
    av_packet_unref(d.pkt);
    decoder_free(&d);
    return rc;
}

uint64_t audio_decoded_samples(const audio_file *f)
{
    return f->samples;
}

uint64_t audio_decoded_ms(const audio_file *f)
{
    uint64_t ms, declared = (uint64_t)(f->info.declared_seconds * 1000.0 + 0.5);

    if (!f->rate_changed && f->samples_rate > 0)
        ms = (f->samples * 1000 + f->samples_rate / 2) / f->samples_rate;
    else
        ms = (uint64_t)(f->seconds * 1000.0 + 0.5);
    /* MP4 declares the exact length but libavformat does not trim the
     * encoder's padding of the last AAC frame: a few ms too many. */
    if (declared > 0 && ms > declared && ms - declared <= PADDING_MS_MAX)
        ms = declared;
    return ms;
}

void audio_close(audio_file *f)
{
    if (f == NULL)
        return;
    free_tags(&f->tags);
    free(f->cover);
    free(f->path);
    free(f);
}
