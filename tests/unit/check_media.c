/* check_media.c — lib/audio, encode, media_store and artwork on audio and
 * images this program makes itself (sox, ffmpeg, lame) in a temporary
 * folder.  Skips (exit 77) when one of those tools is missing.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <vips/vips.h>

#include "artwork.h"
#include "audio.h"
#include "crypto.h"
#include "encode.h"
#include "media_store.h"
#include "mp3.h"

static char fixtures[] = "/tmp/lyre-check-media.XXXXXX";

/* ------------------------------------------------------------ helpers */

static const char *fx(const char *name)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    if (snprintf(p, sizeof path[0], "%s/%s", fixtures, name) >= (int)sizeof path[0])
        abort();
    return p;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    strbuf cmd = STRBUF_INIT;
    va_list ap;
    int rc;
    sb_addf(&cmd, "cd '%s' && ( ", fixtures);
    va_start(ap, fmt);
    sb_vaddf(&cmd, fmt, ap);
    va_end(ap);
    sb_adds(&cmd, " ) >/dev/null 2>&1");
    rc = system(cmd.buf);
    if (rc != 0)
        fprintf(stderr, "check_media: fixture command failed: %s\n", cmd.buf);
    sb_free(&cmd);
    return rc;
}

static int have(const char *tool)
{
    strbuf cmd = STRBUF_INIT;
    int rc;
    sb_addf(&cmd, "command -v %s >/dev/null 2>&1", tool);
    rc = system(cmd.buf);
    sb_free(&cmd);
    return rc == 0;
}

static int make_fixtures(void)
{
    if (mkdtemp(fixtures) == NULL)
        return -1;
    return run("sox -n -r 44100 -c 2 -b 16 tone.wav synth 3 sine 440 sine 660 vol 0.5")
           || run("sox -n -r 22050 -c 1 -b 16 mono.wav synth 2 sine 330 vol 0.5")
           || run("ffmpeg -v error -y -i tone.wav -metadata title='Tagged Title' -metadata artist='The Artist'"
                  " -metadata ALBUMARTIST='Album Artist' -metadata album='The Album' -metadata track=3/12"
                  " -metadata disc=2/2 -metadata date=2019-05-01 -metadata genre=Rock"
                  " -metadata MUSICBRAINZ_TRACKID=0A1B2C3D-0000-4000-8000-000000000001"
                  " -metadata MUSICBRAINZ_ALBUMID=0a1b2c3d-0000-4000-8000-000000000002"
                  " -metadata MUSICBRAINZ_ARTISTID=0a1b2c3d-0000-4000-8000-000000000003"
                  " -metadata MUSICBRAINZ_ALBUMARTISTID=0a1b2c3d-0000-4000-8000-000000000004"
                  " -metadata REPLAYGAIN_TRACK_GAIN='-6.50 dB' -metadata REPLAYGAIN_TRACK_PEAK=0.988"
                  " -metadata REPLAYGAIN_ALBUM_GAIN='-7.25 dB' -metadata COMPILATION=1 tagged.flac")
           || run("lame --quiet -b 128 --tt 'Lame Title' --ta 'Lame Artist' --tl 'Lame Album' --ty 2001"
                  " --tn 5/9 tone.wav lame128.mp3")
           || run("ffmpeg -v error -y -i tone.wav -c:a libopus -b:a 64k tone.opus")
           || run("ffmpeg -v error -y -i tone.wav -c:a aac -b:a 128k tone.m4a")
           || run("ffmpeg -v error -y -f lavfi -i testsrc=size=800x600:duration=1 -frames:v 1 cover.png")
           || run("ffmpeg -v error -y -i cover.png cover.jpg")
           || run("ffmpeg -v error -y -i tone.wav -i cover.jpg -map 0 -map 1 -c:a libmp3lame -b:a 128k"
                  " -c:v copy -disposition:v attached_pic -id3v2_version 3 embedded.mp3")
           || run("sox -n -r 44100 -c 2 -b 16 long.wav synth 20 sine 440 && lame --quiet -b 128 long.wav long.mp3"
                  " && head -c 150000 long.mp3 > truncated.mp3 && head -c 300000 long.wav > truncated.wav")
           || run("echo 'this is not music' > text.mp3 && : > empty.mp3")
           || run("ffmpeg -v error -y -i tone.wav -metadata track=abc badtrack.flac")
           || run("ffmpeg -v error -y -i tone.wav -metadata date=99999 badyear.flac")
           || run("ffmpeg -v error -y -f lavfi -i color=c=red:s=64x64:d=1 -c:v mpeg4 video.m4a")
           ? -1 : 0;
}

static void remove_tree(const char *dir)
{
    strbuf cmd = STRBUF_INIT;
    sb_addf(&cmd, "rm -rf '%s'", dir);
    if (system(cmd.buf) != 0)
        fprintf(stderr, "check_media: cannot remove %s\n", dir);
    sb_free(&cmd);
}

typedef struct pcm_count {
    size_t samples;
    double energy;
} pcm_count;

static int count_pcm(void *ctx, const float *l, const float *r, size_t n, strbuf *err)
{
    pcm_count *c = ctx;
    (void)err;
    c->samples += n;
    for (size_t i = 0; i < n; i++)
        c->energy += (double)l[i] * l[i] + (double)r[i] * r[i];
    return 0;
}

static audio_file *open_ok(const char *name)
{
    strbuf err = STRBUF_INIT;
    audio_file *f = audio_open(fx(name), &err);
    ck_assert_msg(f != NULL, "%s: %s", name, err.buf);
    sb_free(&err);
    return f;
}

/* Opening or decoding fails, with a reason containing want. */
static void bad_file(const char *name, const char *want)
{
    strbuf err = STRBUF_INIT;
    pcm_count c = { 0, 0.0 };
    audio_file *f = audio_open(fx(name), &err);
    if (f != NULL) {
        int rc = audio_decode(f, count_pcm, &c, NULL, &err);
        audio_close(f);
        ck_assert_msg(rc != 0, "%s decoded", name);
    }
    ck_assert_msg(strstr(err.buf, want) != NULL, "%s: reason \"%s\" lacks \"%s\"", name, err.buf, want);
    sb_free(&err);
}

/* ------------------------------------------------------------ tag text */

START_TEST(clean_text)
{
    char *s = audio_clean_text("  Hello\tWorld \n", 0);
    ck_assert_str_eq(s, "Hello World");
    free(s);
    ck_assert_ptr_null(audio_clean_text("   ", 0));
    ck_assert_ptr_null(audio_clean_text("Bj\xf6rk", 0));          /* Latin-1, not UTF-8 */
    ck_assert_ptr_null(audio_clean_text("\xc0\xaf", 0));          /* overlong */
    ck_assert_ptr_null(audio_clean_text("\xed\xa0\x80", 0));      /* surrogate */
    s = audio_clean_text("Bj\xc3\xb6rk", 0);
    ck_assert_str_eq(s, "Bj\xc3\xb6rk");
    free(s);
    s = audio_clean_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3);
    ck_assert_str_eq(s, "\xc3\xa9\xc3\xa9\xc3\xa9");
    free(s);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    s = audio_clean_text(big, 0);
    ck_assert_uint_eq(strlen(s), AUDIO_TAG_MAX_BYTES);
    free(s);
    /* Never cut a character in two at the byte cap. */
    for (size_t i = 0; i + 2 < sizeof big; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    big[2998] = '\0';
    s = audio_clean_text(big, 0);
    ck_assert_uint_eq(strlen(s), AUDIO_TAG_MAX_BYTES);
    ck_assert_int_eq((unsigned char)s[AUDIO_TAG_MAX_BYTES - 2], 0xc3);
    free(s);
}
END_TEST

START_TEST(positions)
{
    unsigned n, t;
    ck_assert_int_eq(audio_parse_position("3", 9999, &n, &t), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(t, 0);
    ck_assert_int_eq(audio_parse_position(" 03 / 12 ", 9999, &n, &t), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(t, 12);
    ck_assert_int_eq(audio_parse_position("2/", 999, &n, &t), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(audio_parse_position("", 9999, &n, &t), 1);
    ck_assert_int_eq(audio_parse_position("0", 9999, &n, &t), 1);
    ck_assert_int_eq(audio_parse_position("abc", 9999, &n, &t), -1);
    ck_assert_int_eq(audio_parse_position("3a", 9999, &n, &t), -1);
    ck_assert_int_eq(audio_parse_position("-1", 9999, &n, &t), -1);
    ck_assert_int_eq(audio_parse_position("10000", 9999, &n, &t), -1);
    ck_assert_int_eq(audio_parse_position("99999999999999999999", 9999, &n, &t), -1);
    ck_assert_int_eq(audio_parse_position("1/abc", 9999, &n, &t), -1);
}
END_TEST

START_TEST(years_ids_gains)
{
    unsigned y;
    char id[AUDIO_MBID_LEN + 1];
    double g;
    ck_assert_int_eq(audio_parse_year("2019", &y), 0);
    ck_assert_uint_eq(y, 2019);
    ck_assert_int_eq(audio_parse_year("1969-07-20", &y), 0);
    ck_assert_uint_eq(y, 1969);
    ck_assert_int_eq(audio_parse_year("2001-01-01T10:00:00", &y), 0);
    ck_assert_int_eq(audio_parse_year("0000", &y), 1);
    ck_assert_int_eq(audio_parse_year("", &y), 1);
    ck_assert_int_eq(audio_parse_year("99999", &y), -1);
    ck_assert_int_eq(audio_parse_year("19xx", &y), -1);
    ck_assert_int_eq(audio_parse_year("abc", &y), -1);
    ck_assert_int_eq(audio_parse_year("0999", &y), -1);
    ck_assert_int_eq(audio_parse_mbid("89AD4AC3-39F7-470E-963A-56509C546377", id), 0);
    ck_assert_str_eq(id, "89ad4ac3-39f7-470e-963a-56509c546377");
    ck_assert_int_eq(audio_parse_mbid("x 89ad4ac3-39f7-470e-963a-56509c546377; 1", id), 0);
    ck_assert_int_eq(audio_parse_mbid("not-an-id", id), -1);
    ck_assert_int_eq(audio_parse_gain("-6.50 dB", &g), 0);
    ck_assert(g > -6.51 && g < -6.49);
    ck_assert_int_eq(audio_parse_gain("+2.1", &g), 0);
    ck_assert_int_eq(audio_parse_gain("loud", &g), -1);
    ck_assert_int_eq(audio_parse_gain("1e300", &g), -1);
}
END_TEST

/* ------------------------------------------------------------ ladder */

START_TEST(ladder_rule)
{
    int k[ENCODE_MAX_RUNGS];
    ck_assert_uint_eq(encode_pick_ladder(128, 0, k), 2);
    ck_assert_int_eq(k[0], 96);
    ck_assert_int_eq(k[1], 160);
    ck_assert_uint_eq(encode_pick_ladder(96, 0, k), 1);
    ck_assert_uint_eq(encode_pick_ladder(45, 0, k), 1);
    ck_assert_int_eq(k[0], 96);
    ck_assert_uint_eq(encode_pick_ladder(100, 0, k), 1);       /* within 5 % of 96 */
    ck_assert_uint_eq(encode_pick_ladder(112, 0, k), 2);
    ck_assert_uint_eq(encode_pick_ladder(160, 0, k), 2);
    ck_assert_uint_eq(encode_pick_ladder(164, 0, k), 2);       /* 163.84 kbps nominal */
    ck_assert_uint_eq(encode_pick_ladder(192, 0, k), 3);
    ck_assert_uint_eq(encode_pick_ladder(320, 0, k), 3);
    ck_assert_uint_eq(encode_pick_ladder(500, 0, k), 3);
    ck_assert_uint_eq(encode_pick_ladder(0, 0, k), 3);
    ck_assert_uint_eq(encode_pick_ladder(64, 1, k), 3);
    ck_assert_int_eq(k[2], 320);
}
END_TEST

/* ------------------------------------------------------------ decoding */

START_TEST(flac_tags)
{
    audio_file *f = open_ok("tagged.flac");
    const audio_tags *t = audio_file_tags(f);
    const audio_info *i = audio_file_info(f);
    ck_assert_str_eq(t->title, "Tagged Title");
    ck_assert_str_eq(t->artist, "The Artist");
    ck_assert_str_eq(t->album_artist, "Album Artist");
    ck_assert_str_eq(t->album, "The Album");
    ck_assert_str_eq(t->genre, "Rock");
    ck_assert_uint_eq(t->track_no, 3);
    ck_assert_uint_eq(t->track_total, 12);
    ck_assert_uint_eq(t->disc_no, 2);
    ck_assert_uint_eq(t->disc_total, 2);
    ck_assert_uint_eq(t->year, 2019);
    ck_assert_int_eq(t->compilation, 1);
    ck_assert_str_eq(t->mb_track_id, "0a1b2c3d-0000-4000-8000-000000000001");
    ck_assert_str_eq(t->mb_album_id, "0a1b2c3d-0000-4000-8000-000000000002");
    ck_assert_str_eq(t->mb_artist_id, "0a1b2c3d-0000-4000-8000-000000000003");
    ck_assert_str_eq(t->mb_album_artist_id, "0a1b2c3d-0000-4000-8000-000000000004");
    ck_assert_int_eq(t->has_track_gain, 1);
    ck_assert(t->track_gain_db > -6.51 && t->track_gain_db < -6.49);
    ck_assert_int_eq(t->has_track_peak, 1);
    ck_assert_int_eq(t->has_album_gain, 1);
    ck_assert_int_eq(t->has_album_peak, 0);
    ck_assert_str_eq(i->container, "flac");
    ck_assert_str_eq(i->codec, "flac");
    ck_assert_int_eq(i->lossless, 1);
    ck_assert_uint_eq(i->channels, 2);
    audio_close(f);
}
END_TEST

START_TEST(mp3_from_lame)
{
    audio_file *f = open_ok("lame128.mp3");
    const audio_tags *t = audio_file_tags(f);
    const audio_info *i = audio_file_info(f);
    pcm_count c = { 0, 0.0 };
    strbuf err = STRBUF_INIT;
    ck_assert_str_eq(t->title, "Lame Title");
    ck_assert_str_eq(t->artist, "Lame Artist");
    ck_assert_uint_eq(t->track_no, 5);
    ck_assert_uint_eq(t->track_total, 9);
    ck_assert_uint_eq(t->year, 2001);
    ck_assert_int_eq(i->lossless, 0);
    ck_assert_msg(i->source_kbps >= 126 && i->source_kbps <= 130, "%u kbps", i->source_kbps);
    ck_assert_int_eq(audio_decode(f, count_pcm, &c, NULL, &err), 0);
    /* The LAME tag's delay and padding are trimmed: exactly 3 s. */
    ck_assert_msg(audio_decoded_ms(f) >= 2990 && audio_decoded_ms(f) <= 3010, "%llu ms",
                  (unsigned long long)audio_decoded_ms(f));
    ck_assert(c.energy > 1000.0);
    audio_close(f);
    sb_free(&err);
}
END_TEST

START_TEST(exact_durations)
{
    static const struct { const char *name; unsigned long long ms; unsigned channels; } cases[] = {
        { "tone.wav", 3000, 2 }, { "mono.wav", 2000, 1 }, { "tagged.flac", 3000, 2 },
        { "tone.opus", 3000, 2 }, { "tone.m4a", 3000, 2 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        audio_file *f = open_ok(cases[k].name);
        pcm_count c = { 0, 0.0 };
        strbuf err = STRBUF_INIT;
        ck_assert_msg(audio_decode(f, count_pcm, &c, NULL, &err) == 0, "%s: %s", cases[k].name, err.buf);
        unsigned long long ms = audio_decoded_ms(f);
        ck_assert_msg(ms + 5 >= cases[k].ms && ms <= cases[k].ms + 5, "%s: %llu ms", cases[k].name, ms);
        ck_assert_uint_eq(audio_file_info(f)->channels, cases[k].channels);
        /* Whatever the source rate (22.05, 48 kHz), the PCM is 44.1 kHz. */
        ck_assert_msg(c.samples + 2100 >= cases[k].ms * 441 / 10 && c.samples <= cases[k].ms * 441 / 10 + 2100,
                      "%s: %zu samples", cases[k].name, c.samples);
        audio_close(f);
        sb_free(&err);
    }
}
END_TEST

START_TEST(embedded_cover)
{
    size_t len = 0;
    audio_file *f = open_ok("embedded.mp3");
    const uint8_t *cover = audio_file_cover(f, &len);
    ck_assert_ptr_nonnull(cover);
    ck_assert_uint_gt(len, 1000);
    ck_assert_int_eq(cover[0], 0xFF);
    ck_assert_int_eq(cover[1], 0xD8);
    audio_close(f);
    f = open_ok("tone.wav");
    ck_assert_ptr_null(audio_file_cover(f, &len));
    audio_close(f);
}
END_TEST

START_TEST(bad_files)
{
    bad_file("text.mp3", "not a supported audio file");
    bad_file("empty.mp3", "not a supported audio file");
    bad_file("truncated.mp3", "truncated");
    bad_file("truncated.wav", "truncated");
    bad_file("badtrack.flac", "malformed track number \"abc\"");
    bad_file("badyear.flac", "malformed year \"99999\"");
    bad_file("video.m4a", "no audio stream");
    bad_file("missing.mp3", "cannot open");
}
END_TEST

/* ------------------------------------------------------------ encoding */

typedef struct enc_sink {
    mp3_encoder *enc;
} enc_sink;

static int to_encoder(void *ctx, const float *l, const float *r, size_t n, strbuf *err)
{
    enc_sink *s = ctx;
    return mp3_encoder_feed(s->enc, l, r, n, err);
}

/* Encode a fixture at kbps into a file; checks and returns its index. */
static void encode_fixture(const char *name, int kbps, unsigned channels, mp3_index *ix)
{
    strbuf err = STRBUF_INIT;
    audio_file *f = open_ok(name);
    int fd = open(fx("out.mp3"), O_RDWR | O_CREAT | O_TRUNC, 0600);
    const uint8_t *data;
    size_t len;
    enc_sink s;

    ck_assert_int_ge(fd, 0);
    s.enc = mp3_encoder_new(kbps, (int)audio_file_info(f)->channels, fd, &err);
    ck_assert_msg(s.enc != NULL, "%s", err.buf);
    ck_assert_int_eq(audio_decode(f, to_encoder, &s, NULL, &err), 0);
    ck_assert_msg(mp3_encoder_finish(s.enc, &err) == 0, "%s", err.buf);
    ck_assert_int_eq(media_map_fd(fd, &data, &len, &err), 0);
    ck_assert_uint_eq(len, mp3_encoder_bytes(s.enc));
    /* No ID3 tag: the file starts with the Info frame. */
    ck_assert_int_eq(data[0], 0xFF);
    ck_assert_msg(memmem(data, 200, "Info", 4) != NULL, "no Info frame");
    ck_assert_msg(memmem(data, 200, "LAME", 4) != NULL, "no LAME tag");
    ck_assert_msg(mp3_index_build(data, len, ix, &err) == 0, "%s", err.buf);
    ck_assert_uint_eq(ix->sample_rate, 44100);
    ck_assert_uint_eq(ix->channels, channels);
    ck_assert_uint_eq(ix->bitrate_kbps, (unsigned)kbps);
    ck_assert_uint_gt(ix->encoder_delay, 0);
    /* CBR: every frame is 144 * kbps / 44.1 bytes, give or take the padding byte. */
    for (uint32_t i = 0; i < ix->nframes; i++) {
        uint64_t size = ix->offsets[i + 1] - ix->offsets[i];
        ck_assert_uint_le(size, 144u * (unsigned)kbps * 1000 / 44100 + 1);
        ck_assert_uint_ge(size, 144u * (unsigned)kbps * 1000 / 44100);
    }
    ck_assert_msg(mp3_index_duration_ms(ix) + 30 >= audio_decoded_ms(f)
                  && mp3_index_duration_ms(ix) <= audio_decoded_ms(f) + 30, "%llu vs %llu ms",
                  (unsigned long long)mp3_index_duration_ms(ix), (unsigned long long)audio_decoded_ms(f));
    media_unmap(data, len);
    mp3_encoder_free(s.enc);
    audio_close(f);
    close(fd);
    sb_free(&err);
}

START_TEST(encode_rungs)
{
    mp3_index ix;
    for (size_t i = 0; i < ENCODE_MAX_RUNGS; i++) {
        memset(&ix, 0, sizeof ix);
        encode_fixture("tone.wav", encode_ladder_kbps[i], 2, &ix);
        mp3_index_free(&ix);
    }
    /* 22.05 kHz mono in: 44.1 kHz mono out (96 kbps would otherwise drop to 32 kHz). */
    memset(&ix, 0, sizeof ix);
    encode_fixture("mono.wav", 96, 1, &ix);
    mp3_index_free(&ix);
    /* 48 kHz Opus in: 44.1 kHz out. */
    memset(&ix, 0, sizeof ix);
    encode_fixture("tone.opus", 160, 2, &ix);
    mp3_index_free(&ix);
}
END_TEST

START_TEST(encoder_refuses)
{
    strbuf err = STRBUF_INIT;
    ck_assert_ptr_null(mp3_encoder_new(96, 3, 1, &err));
    ck_assert_ptr_null(mp3_encoder_new(1000, 2, 1, &err));
    ck_assert_ptr_null(mp3_encoder_new(96, 2, -1, &err));
    sb_free(&err);
}
END_TEST

/* ------------------------------------------------------------ store */

static size_t count_tmp(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, ".tmp-", 5) == 0)
            n++;
        if (e->d_name[0] != '.' && strlen(e->d_name) == 2) {
            strbuf sub = STRBUF_INIT;
            sb_addf(&sub, "%s/%s", dir, e->d_name);
            n += count_tmp(sub.buf);
            sb_free(&sub);
        }
    }
    closedir(d);
    return n;
}

START_TEST(store_put)
{
    media_store st;
    strbuf err = STRBUF_INIT, path = STRBUF_INIT;
    char sha[MEDIA_SHA_HEX];
    struct stat sb;
    static const char data[] = "hello media store";

    ck_assert_int_eq(media_store_open(&st, fx("store/"), &err), 0);
    ck_assert_int_eq(media_store_put(&st, MEDIA_KIND_ART, data, sizeof data - 1, ".jpg", sha, &err), 0);
    /* sha256("hello media store") */
    uint8_t d[CRYPTO_SHA256_LEN];
    char want[MEDIA_SHA_HEX];
    crypto_sha256(data, sizeof data - 1, d);
    hex_encode(d, sizeof d, want);
    ck_assert_str_eq(sha, want);
    media_store_path(&st, &path, MEDIA_KIND_ART, sha, ".jpg");
    ck_assert_int_eq(stat(path.buf, &sb), 0);
    ck_assert_uint_eq((unsigned long long)sb.st_size, sizeof data - 1);
    ck_assert_int_eq(sb.st_mode & 0777, 0644);
    ck_assert(strstr(path.buf, "/store/art/") != NULL);
    ck_assert(media_store_has(&st, MEDIA_KIND_ART, sha, ".jpg"));
    /* Again: same name, same bytes, no error. */
    ck_assert_int_eq(media_store_put(&st, MEDIA_KIND_ART, data, sizeof data - 1, ".jpg", sha, &err), 0);
    sb_reset(&path);
    media_store_relpath(&path, MEDIA_KIND_AUDIO, sha, ".mp3");
    ck_assert_uint_eq(path.len, strlen("audio/aa/") + 64 + 4);
    ck_assert_int_eq(memcmp(path.buf + 6, sha, 2), 0);
    ck_assert_uint_eq(count_tmp(fx("store/art")), 0);
    media_store_close(&st);
    sb_free(&err);
    sb_free(&path);
}
END_TEST

START_TEST(store_tmp)
{
    media_store st;
    media_tmp t = MEDIA_TMP_INIT;
    strbuf err = STRBUF_INIT;
    char sha[MEDIA_SHA_HEX];
    struct timeval old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

    ck_assert_int_eq(media_store_open(&st, fx("store2"), &err), 0);
    ck_assert_int_eq(media_tmp_create(&st, MEDIA_KIND_AUDIO, NULL, &t, &err), 0);
    ck_assert_int_eq(media_tmp_write(&t, "abc", 3, &err), 0);
    ck_assert_uint_eq(count_tmp(fx("store2/audio")), 1);
    media_tmp_discard(&t);
    media_tmp_discard(&t);
    ck_assert_uint_eq(count_tmp(fx("store2/audio")), 0);
    /* Commit: the temporary file becomes audio/aa/<sha>.mp3. */
    ck_assert_int_eq(media_tmp_create(&st, MEDIA_KIND_AUDIO, NULL, &t, &err), 0);
    ck_assert_int_eq(media_tmp_write(&t, "abc", 3, &err), 0);
    ck_assert_int_eq(media_file_sha256(t.path, sha, &err), 0);
    ck_assert_str_eq(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_int_eq(media_tmp_commit(&st, &t, MEDIA_KIND_AUDIO, sha, ".mp3", &err), 0);
    ck_assert_ptr_null(t.path);
    ck_assert(media_store_has(&st, MEDIA_KIND_AUDIO, sha, ".mp3"));
    ck_assert_uint_eq(count_tmp(fx("store2/audio")), 0);
    /* A bad name is refused, and the temporary file is gone anyway. */
    ck_assert_int_eq(media_tmp_create(&st, MEDIA_KIND_AUDIO, NULL, &t, &err), 0);
    ck_assert_int_ne(media_tmp_commit(&st, &t, MEDIA_KIND_AUDIO, "../../etc", ".mp3", &err), 0);
    ck_assert_uint_eq(count_tmp(fx("store2/audio")), 0);
    /* Stale temporary files are swept, fresh ones kept. */
    ck_assert_int_eq(media_tmp_create(&st, MEDIA_KIND_AUDIO, sha, &t, &err), 0);
    ck_assert_int_eq(utimes(t.path, old), 0);
    media_tmp fresh = MEDIA_TMP_INIT;
    ck_assert_int_eq(media_tmp_create(&st, MEDIA_KIND_ART, NULL, &fresh, &err), 0);
    ck_assert_uint_eq(media_store_sweep(&st, 3600), 1);
    ck_assert_uint_eq(count_tmp(fx("store2/audio")), 0);
    ck_assert_uint_eq(count_tmp(fx("store2/art")), 1);
    free(t.path);
    t.path = NULL;
    media_tmp_discard(&t);
    media_tmp_discard(&fresh);
    /* An empty file hashes too. */
    ck_assert_int_eq(media_file_sha256(fx("empty.mp3"), sha, &err), 0);
    ck_assert_str_eq(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    media_store_close(&st);
    sb_free(&err);
}
END_TEST

/* ------------------------------------------------------------ artwork */

static void image_size(const char *path, int *w, int *h)
{
    VipsImage *im = vips_image_new_from_file(path, NULL);
    ck_assert_msg(im != NULL, "%s unreadable", path);
    *w = vips_image_get_width(im);
    *h = vips_image_get_height(im);
    g_object_unref(im);
}

START_TEST(artwork_thumbnails)
{
    media_store st;
    strbuf err = STRBUF_INIT, path = STRBUF_INIT;
    artwork_info art;
    uint8_t *data;
    size_t len;
    char suffix[16];
    int w, h;

    ck_assert_int_eq(artwork_global_init("check_media"), 0);
    ck_assert_int_eq(media_store_open(&st, fx("store3"), &err), 0);
    ck_assert_int_eq(artwork_read_file(fx("cover.png"), &data, &len, &err), 0);
    ck_assert_msg(artwork_store(&st, data, len, &art, &err) == 0, "%s", err.buf);
    ck_assert_str_eq(art.mime, "image/png");
    ck_assert_str_eq(art.ext, ".png");
    ck_assert_uint_eq(art.width, 800);
    ck_assert_uint_eq(art.height, 600);
    ck_assert_uint_eq(art.bytes, len);
    ck_assert(media_store_has(&st, MEDIA_KIND_ART, art.sha, ".png"));
    for (int i = 0; i < ARTWORK_THUMBS; i++) {
        snprintf(suffix, sizeof suffix, "-%d.jpg", artwork_thumb_sizes[i]);
        sb_reset(&path);
        media_store_path(&st, &path, MEDIA_KIND_ART, art.sha, suffix);
        image_size(path.buf, &w, &h);
        ck_assert_int_eq(w, artwork_thumb_sizes[i]);
        ck_assert_int_eq(h, artwork_thumb_sizes[i]);
    }
    /* The same cover again reuses everything. */
    ck_assert_int_eq(artwork_store(&st, data, len, &art, &err), 0);
    free(data);
    ck_assert_uint_eq(count_tmp(fx("store3/art")), 0);
    media_store_close(&st);
    sb_free(&err);
    sb_free(&path);
}
END_TEST

START_TEST(artwork_refused)
{
    media_store st;
    strbuf err = STRBUF_INIT;
    artwork_info art;
    void *png = NULL;
    size_t png_len = 0;
    VipsImage *wide = NULL;
    uint8_t *big;

    ck_assert_int_eq(artwork_global_init("check_media"), 0);
    ck_assert_int_eq(media_store_open(&st, fx("store4"), &err), 0);
    /* Too many pixels across: refused from the header, before decoding. */
    ck_assert_int_eq(vips_black(&wide, ARTWORK_MAX_SIDE + 1, 8, NULL), 0);
    ck_assert_int_eq(vips_pngsave_buffer(wide, &png, &png_len, NULL), 0);
    ck_assert_int_ne(artwork_store(&st, png, png_len, &art, &err), 0);
    ck_assert_msg(strstr(err.buf, "pixels") != NULL, "%s", err.buf);
    /* Too many bytes. */
    big = calloc(1, ARTWORK_MAX_BYTES + 1);
    ck_assert_ptr_nonnull(big);
    memcpy(big, "\xff\xd8\xff", 3);
    sb_reset(&err);
    ck_assert_int_ne(artwork_store(&st, big, ARTWORK_MAX_BYTES + 1, &art, &err), 0);
    ck_assert_msg(strstr(err.buf, "bytes") != NULL, "%s", err.buf);
    /* Not an image. */
    sb_reset(&err);
    ck_assert_int_ne(artwork_store(&st, "not an image at all", 19, &art, &err), 0);
    ck_assert_uint_eq(count_tmp(fx("store4/art")), 0);
    free(big);
    g_free(png);
    g_object_unref(wide);
    media_store_close(&st);
    sb_free(&err);
}
END_TEST

START_TEST(cover_names)
{
    ck_assert_int_eq(artwork_cover_rank("cover.jpg"), 0);
    ck_assert_int_gt(artwork_cover_rank("Folder.JPG"), 0);
    ck_assert_int_gt(artwork_cover_rank("cover.png"), artwork_cover_rank("front.jpg"));
    ck_assert_int_eq(artwork_cover_rank("back.jpg"), -1);
    ck_assert_int_eq(artwork_cover_rank("cover.jpg.txt"), -1);
}
END_TEST

static Suite *suite_media(void)
{
    Suite *s = suite_create("media");
    TCase *t = tcase_create("tags");
    tcase_add_test(t, clean_text);
    tcase_add_test(t, positions);
    tcase_add_test(t, years_ids_gains);
    tcase_add_test(t, ladder_rule);
    suite_add_tcase(s, t);
    t = tcase_create("audio");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, flac_tags);
    tcase_add_test(t, mp3_from_lame);
    tcase_add_test(t, exact_durations);
    tcase_add_test(t, embedded_cover);
    tcase_add_test(t, bad_files);
    tcase_add_test(t, encode_rungs);
    tcase_add_test(t, encoder_refuses);
    suite_add_tcase(s, t);
    t = tcase_create("store");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, store_put);
    tcase_add_test(t, store_tmp);
    tcase_add_test(t, artwork_thumbnails);
    tcase_add_test(t, artwork_refused);
    tcase_add_test(t, cover_names);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    static const char *const tools[] = { "sox", "ffmpeg", "lame" };
    int failed;

    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        if (!have(tools[i])) {
            fprintf(stderr, "check_media: %s not found; skipping\n", tools[i]);
            return 77;
        }
    }
    audio_global_init();
    if (make_fixtures() != 0) {
        remove_tree(fixtures);
        return 1;
    }
    SRunner *sr = srunner_create(suite_media());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tree(fixtures);
    return failed == 0 ? 0 : 1;
}
