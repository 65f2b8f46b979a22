/* test_mp3.c — lib/mp3: header parsing, the frame index on synthetic frames
 * and on real LAME output (made with the lame CLI at test time), the index
 * file, HLS playlists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#include "mp3.h"
#include "suites.h"

/* MPEG-1 Layer III, 128 kbps, 44.1 kHz, joint stereo, no CRC: 417 bytes. */
static const uint8_t HDR_128[4] = { 0xFF, 0xFB, 0x90, 0x44 };
/* The same at 48 kHz: 384 bytes. */
static const uint8_t HDR_128_48K[4] = { 0xFF, 0xFB, 0x94, 0x44 };

static void add_frame(strbuf *sb, const uint8_t hdr[4], size_t bytes)
{
    sb_add(sb, hdr, 4);
    for (size_t i = 4; i < bytes; i++)
        sb_addc(sb, (char)0x55);
}

/* A LAME Info frame (128 kbps size) with the given delay and padding. */
static void add_info_frame(strbuf *sb, unsigned delay, unsigned padding)
{
    uint8_t f[417];
    memset(f, 0, sizeof f);
    memcpy(f, HDR_128, 4);
    memcpy(f + 36, "Info", 4);
    f[43] = 0x0F;                                 /* frames, bytes, TOC, quality */
    memcpy(f + 156, "LAME3.100", 9);
    f[156 + 21] = (uint8_t)(delay >> 4);
    f[156 + 22] = (uint8_t)((delay & 0x0F) << 4 | padding >> 8);
    f[156 + 23] = (uint8_t)(padding & 0xFF);
    sb_add(sb, f, sizeof f);
}

START_TEST(test_parse_header)
{
    mp3_header h;
    ck_assert_int_eq(mp3_parse_header(HDR_128, 4, &h), 0);
    ck_assert_int_eq(h.mpeg_version, 1);
    ck_assert_int_eq(h.bitrate_kbps, 128);
    ck_assert_int_eq(h.sample_rate, 44100);
    ck_assert_int_eq(h.channels, 2);
    ck_assert_int_eq(h.samples_per_frame, 1152);
    ck_assert_uint_eq(h.frame_bytes, 417);

    const uint8_t padded_mono_320[4] = { 0xFF, 0xFB, 0xE2, 0xC0 };
    ck_assert_int_eq(mp3_parse_header(padded_mono_320, 4, &h), 0);
    ck_assert_int_eq(h.bitrate_kbps, 320);
    ck_assert_int_eq(h.channels, 1);
    ck_assert_uint_eq(h.frame_bytes, 1045);

    const uint8_t mpeg2[4] = { 0xFF, 0xF3, 0x80, 0x44 };   /* 64 kbps, 22.05 kHz */
    ck_assert_int_eq(mp3_parse_header(mpeg2, 4, &h), 0);
    ck_assert_int_eq(h.mpeg_version, 2);
    ck_assert_int_eq(h.sample_rate, 22050);
    ck_assert_int_eq(h.samples_per_frame, 576);
    ck_assert_uint_eq(h.frame_bytes, 208);

    const uint8_t mpeg25[4] = { 0xFF, 0xE3, 0x48, 0x44 };  /* 32 kbps, 8 kHz */
    ck_assert_int_eq(mp3_parse_header(mpeg25, 4, &h), 0);
    ck_assert_int_eq(h.mpeg_version, 25);
    ck_assert_int_eq(h.sample_rate, 8000);
    ck_assert_uint_eq(h.frame_bytes, 288);
}
END_TEST

START_TEST(test_parse_header_rejects)
{
    mp3_header h;
    const uint8_t bad[][4] = {
        { 0xFF, 0xFB, 0x00, 0x44 },   /* free format */
        { 0xFF, 0xFB, 0xF0, 0x44 },   /* bitrate index 15 */
        { 0xFF, 0xFB, 0x9C, 0x44 },   /* sample rate index 3 */
        { 0xFF, 0xFD, 0x90, 0x44 },   /* layer II */
        { 0xFF, 0xEB, 0x90, 0x44 },   /* reserved version */
        { 0xFF, 0xFB, 0x90, 0x46 },   /* reserved emphasis */
        { 0xFE, 0xFB, 0x90, 0x44 },   /* no sync */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mp3_parse_header(bad[i], 4, &h) == -1, "case %zu accepted", i);
    ck_assert_int_eq(mp3_parse_header(HDR_128, 3, &h), -1);
}
END_TEST

START_TEST(test_build_skips_tags_and_garbage)
{
    strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
    mp3_index ix;
    /* ID3v2 tag of 20 bytes of body, holding a fake frame header. */
    const uint8_t id3[10] = { 'I', 'D', '3', 4, 0, 0, 0, 0, 0, 20 };
    sb_add(&sb, id3, sizeof id3);
    sb_add(&sb, HDR_128, 4);
    for (int i = 0; i < 16; i++)
        sb_addc(&sb, 0);
    add_info_frame(&sb, 576, 1000);
    size_t first_audio = sb.len;
    for (int i = 0; i < 5; i++)
        add_frame(&sb, HDR_128, 417);
    /* Garbage with a lone false sync, then frames again. */
    sb_add(&sb, "zz\xFF\xFB\x90\x44zzzz", 10);
    size_t resync = sb.len;
    for (int i = 0; i < 3; i++)
        add_frame(&sb, HDR_128, 417);
    size_t audio_end = sb.len;
    sb_adds(&sb, "TAG");
    for (int i = 3; i < 128; i++)
        sb_addc(&sb, (char)0xFF);

    ck_assert_int_eq(mp3_index_build((const uint8_t *)sb.buf, sb.len, &ix, &err), 0);
    ck_assert_uint_eq(ix.nframes, 8);
    ck_assert_uint_eq(ix.sample_rate, 44100);
    ck_assert_uint_eq(ix.channels, 2);
    ck_assert_uint_eq(ix.bitrate_kbps, 128);
    ck_assert_uint_eq(ix.samples_per_frame, 1152);
    ck_assert_uint_eq(ix.encoder_delay, 576);
    ck_assert_uint_eq(ix.encoder_padding, 1000);
    ck_assert_uint_eq(ix.offsets[0], first_audio);
    ck_assert_uint_eq(ix.offsets[1], first_audio + 417);
    ck_assert_uint_eq(ix.offsets[5], resync);
    ck_assert_uint_eq(ix.offsets[8], audio_end);
    /* 8 * 1152 - 1576 samples */
    ck_assert_uint_eq(mp3_index_duration_ms(&ix), 173);   /* (8 * 1152 - 1576) / 44.1 */
    mp3_index_free(&ix);
    sb_free(&sb);
    sb_free(&err);
}
END_TEST

START_TEST(test_build_errors)
{
    strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
    mp3_index ix;
    ck_assert_int_eq(mp3_index_build((const uint8_t *)"", 0, &ix, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.buf, "no MPEG"));

    for (int i = 0; i < 200; i++)
        sb_adds(&sb, "not audio at all ");
    sb_reset(&err);
    ck_assert_int_eq(mp3_index_build((const uint8_t *)sb.buf, sb.len, &ix, &err), -1);

    sb_reset(&sb);
    for (int i = 0; i < 3; i++)
        add_frame(&sb, HDR_128, 417);
    sb_setlen(&sb, sb.len - 100);
    sb_reset(&err);
    ck_assert_int_eq(mp3_index_build((const uint8_t *)sb.buf, sb.len, &ix, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.buf, "truncated"));

    sb_reset(&sb);
    for (int i = 0; i < 3; i++)
        add_frame(&sb, HDR_128, 417);
    for (int i = 0; i < 3; i++)
        add_frame(&sb, HDR_128_48K, 384);
    sb_reset(&err);
    ck_assert_int_eq(mp3_index_build((const uint8_t *)sb.buf, sb.len, &ix, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.buf, "mixed sample rates"));
    sb_free(&sb);
    sb_free(&err);
}
END_TEST

START_TEST(test_single_frame)
{
    strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
    mp3_index ix;
    add_frame(&sb, HDR_128, 417);
    ck_assert_int_eq(mp3_index_build((const uint8_t *)sb.buf, sb.len, &ix, &err), 0);
    ck_assert_uint_eq(ix.nframes, 1);
    ck_assert_uint_eq(ix.offsets[1], 417);
    ck_assert_uint_eq(ix.encoder_delay, 0);
    mp3_index_free(&ix);
    sb_free(&sb);
    sb_free(&err);
}
END_TEST

/* n frames of 417 bytes (every 3rd padded to 418, as a real 128k stream). */
static void synthetic_index(mp3_index *ix, uint32_t n)
{
    memset(ix, 0, sizeof *ix);
    ix->sample_rate = 44100;
    ix->channels = 2;
    ix->bitrate_kbps = 128;
    ix->samples_per_frame = 1152;
    ix->nframes = n;
    ix->offsets = malloc((n + 1) * sizeof *ix->offsets);
    ck_assert_ptr_nonnull(ix->offsets);
    ix->offsets[0] = 417;
    for (uint32_t i = 1; i <= n; i++)
        ix->offsets[i] = ix->offsets[i - 1] + 417 + (i % 3 == 0);
}

START_TEST(test_save_load)
{
    mp3_index ix, back;
    strbuf err = STRBUF_INIT;
    char path[] = "/tmp/lyre-test-idx-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    synthetic_index(&ix, 1000);
    ix.encoder_delay = 576;
    ix.encoder_padding = 1234;
    ck_assert_int_eq(mp3_index_save(&ix, path), 0);
    ck_assert_int_eq(mp3_index_load(path, &back, &err), 0);
    ck_assert_uint_eq(back.nframes, 1000);
    ck_assert_uint_eq(back.sample_rate, 44100);
    ck_assert_uint_eq(back.channels, 2);
    ck_assert_uint_eq(back.bitrate_kbps, 128);
    ck_assert_uint_eq(back.samples_per_frame, 1152);
    ck_assert_uint_eq(back.encoder_delay, 576);
    ck_assert_uint_eq(back.encoder_padding, 1234);
    ck_assert_int_eq(memcmp(back.offsets, ix.offsets, 1001 * sizeof *ix.offsets), 0);
    mp3_index_free(&back);

    /* Truncated and wrong-magic files are refused. */
    ck_assert_int_eq(truncate(path, 100), 0);
    ck_assert_int_eq(mp3_index_load(path, &back, &err), -1);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 100; i++)
        fputs("LYIXjunk", f);
    fclose(f);
    sb_reset(&err);
    ck_assert_int_eq(mp3_index_load(path, &back, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.buf, "frame index"));
    unlink(path);
    sb_reset(&err);
    ck_assert_int_eq(mp3_index_load(path, &back, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.buf, "cannot open"));
    mp3_index_free(&ix);
    sb_free(&err);
}
END_TEST

START_TEST(test_peak_bandwidth)
{
    mp3_index ix;
    synthetic_index(&ix, 500);
    uint64_t bw = mp3_index_peak_bandwidth(&ix);
    /* About 128 kbit/s. */
    ck_assert_uint_ge(bw, 127000);
    ck_assert_uint_le(bw, 129000);
    mp3_index_free(&ix);
}
END_TEST

START_TEST(test_media_playlist)
{
    mp3_index ix;
    strbuf out = STRBUF_INIT;
    synthetic_index(&ix, 500);   /* 230 + 230 + 40 frames */
    mp3_hls_media_playlist(&ix, "/media/audio/ab/x.mp3?e=1&s=2", &out);
    ck_assert_msg(str_starts_with(out.buf, "#EXTM3U\n#EXT-X-VERSION:4\n"), "%s", out.buf);
    ck_assert_ptr_nonnull(strstr(out.buf, "#EXT-X-TARGETDURATION:7\n"));
    ck_assert_ptr_nonnull(strstr(out.buf, "#EXT-X-PLAYLIST-TYPE:VOD\n"));
    ck_assert_ptr_nonnull(strstr(out.buf, "#EXT-X-INDEPENDENT-SEGMENTS\n"));
    ck_assert(str_ends_with(out.buf, "#EXT-X-ENDLIST\n"));
    ck_assert_ptr_nonnull(strstr(out.buf, "#EXTINF:6.00816,\n"));
    ck_assert_ptr_nonnull(strstr(out.buf, "#EXTINF:1.04490,\n"));

    /* Ranges are contiguous and cover every frame. */
    uint64_t expect = ix.offsets[0];
    int segments = 0;
    for (const char *p = out.buf; (p = strstr(p, "#EXT-X-BYTERANGE:")) != NULL; p++) {
        unsigned long long len, off;
        ck_assert_int_eq(sscanf(p, "#EXT-X-BYTERANGE:%llu@%llu", &len, &off), 2);
        ck_assert_uint_eq(off, expect);
        expect = off + len;
        segments++;
    }
    ck_assert_int_eq(segments, 3);
    ck_assert_uint_eq(expect, ix.offsets[500]);
    mp3_index_free(&ix);
    sb_free(&out);
}
END_TEST

/* ------------------------------------------------------------ real LAME output */

static int have_lame(void)
{
    return system("lame --version >/dev/null 2>&1") == 0;
}

static void put_le(FILE *f, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        ck_assert_int_ne(fputc((int)(v >> (8 * i)) & 0xFF, f), EOF);
}

/* 13 s of a stereo tone as a 16-bit WAV file. */
static void write_tone(const char *path)
{
    const uint32_t frames = 44100 * 13, data_bytes = frames * 4;
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs("RIFF", f), 0);
    put_le(f, 36 + data_bytes, 4);
    ck_assert_int_ge(fputs("WAVEfmt ", f), 0);
    put_le(f, 16, 4);
    put_le(f, 1, 2);            /* PCM */
    put_le(f, 2, 2);            /* channels */
    put_le(f, 44100, 4);
    put_le(f, 44100 * 4, 4);    /* bytes per second */
    put_le(f, 4, 2);            /* block align */
    put_le(f, 16, 2);
    ck_assert_int_ge(fputs("data", f), 0);
    put_le(f, data_bytes, 4);
    for (uint32_t i = 0; i < frames; i++) {
        put_le(f, (uint16_t)(int16_t)(8000 * sin(i * 2 * M_PI * 440 / 44100.0)), 2);
        put_le(f, (uint16_t)(int16_t)(8000 * sin(i * 2 * M_PI * 660 / 44100.0)), 2);
    }
    ck_assert_int_eq(fclose(f), 0);
}

static void read_file(const char *path, strbuf *sb)
{
    char buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(sb, buf, n);
    fclose(f);
}

START_TEST(test_lame_ladder)
{
    if (!have_lame()) {
        fprintf(stderr, "test_lame_ladder: no lame on PATH, skipped\n");
        return;
    }
    char dir[] = "/tmp/lyre-test-mp3-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    strbuf raw = STRBUF_INIT, cmd = STRBUF_INIT, data = STRBUF_INIT, err = STRBUF_INIT;
    sb_addf(&raw, "%s/tone.wav", dir);
    write_tone(raw.buf);
    const int rungs[] = { 96, 160, 320 };
    uint32_t frames = 0;
    for (size_t r = 0; r < 3; r++) {
        mp3_index ix;
        sb_reset(&cmd);
        sb_addf(&cmd, "lame --quiet -m j "
                "-b %d --cbr --resample 44.1 --nores %s %s/%d.mp3", rungs[r], raw.buf, dir, rungs[r]);
        ck_assert_int_eq(system(cmd.buf), 0);
        sb_reset(&data);
        sb_reset(&cmd);
        sb_addf(&cmd, "%s/%d.mp3", dir, rungs[r]);
        read_file(cmd.buf, &data);
        ck_assert_msg(mp3_index_build((const uint8_t *)data.buf, data.len, &ix, &err) == 0, "%s", err.buf);
        ck_assert_uint_eq(ix.bitrate_kbps, (uint32_t)rungs[r]);
        ck_assert_uint_eq(ix.sample_rate, 44100);
        ck_assert_uint_eq(ix.encoder_delay, 576);
        ck_assert_uint_gt(ix.encoder_padding, 0);
        ck_assert_uint_eq(ix.offsets[ix.nframes], data.len);
        /* The Info frame is not an audio frame: the first one starts after it. */
        ck_assert_uint_gt(ix.offsets[0], 0);
        uint64_t ms = mp3_index_duration_ms(&ix);
        ck_assert_msg(ms >= 12999 && ms <= 13001, "duration %llu ms", (unsigned long long)ms);
        uint64_t bw = mp3_index_peak_bandwidth(&ix);
        ck_assert_uint_ge(bw, (uint64_t)rungs[r] * 990);
        ck_assert_uint_le(bw, (uint64_t)rungs[r] * 1010);
        if (r == 0)
            frames = ix.nframes;
        ck_assert_uint_eq(ix.nframes, frames);   /* same segment times on every rung */
        mp3_index_free(&ix);
        unlink(cmd.buf);
    }
    unlink(raw.buf);
    rmdir(dir);
    sb_free(&raw);
    sb_free(&cmd);
    sb_free(&data);
    sb_free(&err);
}
END_TEST

Suite *suite_mp3(void)
{
    Suite *s = suite_create("mp3");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_parse_header);
    tcase_add_test(tc, test_parse_header_rejects);
    tcase_add_test(tc, test_build_skips_tags_and_garbage);
    tcase_add_test(tc, test_build_errors);
    tcase_add_test(tc, test_single_frame);
    tcase_add_test(tc, test_save_load);
    tcase_add_test(tc, test_peak_bandwidth);
    tcase_add_test(tc, test_media_playlist);
    tcase_add_test(tc, test_lame_ladder);
    suite_add_tcase(s, tc);
    return s;
}
