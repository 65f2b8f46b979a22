/* test_config.c — lib/config: defaults, the sample file, every rejection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* By path: "config.h" alone would find autoconf's config.h through -I. */
#include "config.h"
#include "log.h"
#include "suites.h"

#define REQUIRED "database: { user = \"u\"; name = \"n\"; };\n"

static char conf_path[64];
static lyre_config cfg;
static strbuf err = STRBUF_INIT;

static void setup(void)
{
    conf_path[0] = '\0';
    memset(&cfg, 0, sizeof cfg);
    sb_init(&err);
    unsetenv("LYRE_DB_PASSWORD");
    unsetenv("LYRE_CONF");
}

static void teardown(void)
{
    if (conf_path[0])
        unlink(conf_path);
    config_free(&cfg);
    sb_free(&err);
}

/* Writes text to a fresh file in /tmp and loads it; returns config_load's result. */
static int load_text(const char *text)
{
    int fd;
    size_t len = strlen(text);

    if (conf_path[0])
        unlink(conf_path);
    ck_assert_int_eq(str_copy(conf_path, sizeof conf_path, "/tmp/lyre-test-conf-XXXXXX"), 0);
    fd = mkstemp(conf_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
    config_free(&cfg);
    sb_reset(&err);
    return config_load(&cfg, conf_path, &err);
}

/* err must hold "PATH:LINE: " + rest. */
static void assert_error_at(int line, const char *rest)
{
    strbuf want = STRBUF_INIT;
    sb_addf(&want, "%s:%d: %s", conf_path, line, rest);
    ck_assert_msg(strstr(err.buf, want.buf) != NULL, "error '%s' lacks '%s'", err.buf, want.buf);
    sb_free(&want);
}

START_TEST(test_defaults)
{
    config_defaults(&cfg);
    ck_assert_ptr_null(cfg.path);
    ck_assert_str_eq(cfg.site_name, "Lyre");
    ck_assert_str_eq(cfg.base_url, "http://127.0.0.1:8080");
    ck_assert_str_eq(cfg.static_url, "/static");
    ck_assert_str_eq(cfg.db_host, "localhost");
    ck_assert_int_eq(cfg.db_port, 3306);
    ck_assert_str_eq(cfg.db_socket, "");
    ck_assert_str_eq(cfg.db_user, "");
    ck_assert_str_eq(cfg.db_password, "");
    ck_assert_str_eq(cfg.db_name, "");
    ck_assert_int_eq(cfg.db_connect_timeout, 2);
    ck_assert_int_eq(cfg.db_read_timeout, 10);
    ck_assert_int_eq(cfg.db_retry_after, 5);
    ck_assert_int_eq(cfg.max_url_bytes, 8192);
    ck_assert_int_eq(cfg.max_header_bytes, 16384);
    ck_assert_int_eq(cfg.max_body_bytes, 1048576);
    ck_assert_str_eq(cfg.templates_dir, LYRE_PKGDATADIR "/templates");
    ck_assert_str_eq(cfg.migrations_dir, LYRE_PKGDATADIR "/db");
    ck_assert_str_eq(cfg.media_dir, "/var/lib/lyre/media");
    ck_assert_int_eq(cfg.log_level, LOG_LEVEL_INFO);
    ck_assert_int_eq(cfg.page_size, 50);
    ck_assert_int_eq(cfg.search_limit, 20);
    ck_assert_int_eq(cfg.stream_public, 1);
    ck_assert_str_eq(cfg.stream_mode, "redirect");
    ck_assert_str_eq(cfg.stream_secret_file, "/var/lib/lyre/stream-secret");
    ck_assert_int_eq(cfg.stream_url_ttl, 21600);
    config_free(&cfg);
    config_free(&cfg);
    ck_assert_ptr_null(cfg.site_name);
}
END_TEST

START_TEST(test_default_path)
{
    ck_assert_str_eq(config_default_path(), LYRE_SYSCONFDIR "/lyre.conf");
    setenv("LYRE_CONF", "/srv/lyre/test.conf", 1);
    ck_assert_str_eq(config_default_path(), "/srv/lyre/test.conf");
    unsetenv("LYRE_CONF");
}
END_TEST

START_TEST(test_sample_loads)
{
    int rc = config_load(&cfg, LYRE_TEST_SRCDIR "/etc/lyre.conf", &err);
    ck_assert_msg(rc == 0, "sample config rejected: %s", err.buf);
    ck_assert_str_eq(err.buf, "");
    ck_assert_str_eq(cfg.path, LYRE_TEST_SRCDIR "/etc/lyre.conf");
    ck_assert_str_eq(cfg.db_user, "lyre");
    ck_assert_str_eq(cfg.db_name, "lyre");
    ck_assert_str_eq(cfg.db_password, "");
    ck_assert_int_eq(cfg.db_port, 3306);
    ck_assert_int_eq(cfg.page_size, 50);
    ck_assert_int_eq(cfg.log_level, LOG_LEVEL_INFO);
    ck_assert_str_eq(cfg.templates_dir, LYRE_PKGDATADIR "/templates");
}
END_TEST

/* The sample names every setting, commented or not. */
START_TEST(test_sample_documents_everything)
{
    static const char *const keys[] = {
        "site:", "name =", "base_url =", "static_url =",
        "database:", "host =", "port =", "socket =", "user =", "password =", "name =",
        "connect_timeout =", "read_timeout =", "retry_after =",
        "http:", "max_url_bytes =", "max_header_bytes =", "max_body_bytes =",
        "paths:", "templates =", "migrations =", "media =",
        "log:", "level =", "catalog:", "page_size =", "search_limit =", "LYRE_DB_PASSWORD",
        "stream:", "public =", "mode =", "secret_file =", "url_ttl =",
    };
    FILE *f = fopen(LYRE_TEST_SRCDIR "/etc/lyre.conf", "r");
    strbuf text = STRBUF_INIT;
    char chunk[4096];
    size_t n;

    ck_assert_ptr_nonnull(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_add(&text, chunk, n);
    fclose(f);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_msg(strstr(text.buf, keys[i]) != NULL, "sample lacks %s", keys[i]);
    sb_free(&text);
}
END_TEST

START_TEST(test_good_file)
{
    int rc = load_text(
        "site: { name = \"My Music\"; base_url = \"https://music.example.org//\";\n"
        "        static_url = \"https://cdn.example.org/lyre/\"; };\n"
        "database: {\n"
        "  host = \"db1\"; port = 3307; socket = \"/run/mysqld.sock\";\n"
        "  user = \"lyre\"; password = \"s3cret\"; name = \"lyre_prod\";\n"
        "  connect_timeout = 3; read_timeout = 30L; retry_after = 7;\n"
        "};\n"
        "http: { max_url_bytes = 4096L; max_header_bytes = 8192; max_body_bytes = 2147483647L; };\n"
        "paths: { templates = \"/t\"; migrations = \"/m\"; media = \"/media\"; };\n"
        "log: { level = \"debug\"; };\n"
        "catalog: { page_size = 500; search_limit = 1; };\n");
    ck_assert_msg(rc == 0, "rejected: %s", err.buf);
    ck_assert_str_eq(cfg.path, conf_path);
    ck_assert_str_eq(cfg.site_name, "My Music");
    ck_assert_str_eq(cfg.base_url, "https://music.example.org");
    ck_assert_str_eq(cfg.static_url, "https://cdn.example.org/lyre");
    ck_assert_str_eq(cfg.db_host, "db1");
    ck_assert_int_eq(cfg.db_port, 3307);
    ck_assert_str_eq(cfg.db_socket, "/run/mysqld.sock");
    ck_assert_str_eq(cfg.db_user, "lyre");
    ck_assert_str_eq(cfg.db_password, "s3cret");
    ck_assert_str_eq(cfg.db_name, "lyre_prod");
    ck_assert_int_eq(cfg.db_connect_timeout, 3);
    ck_assert_int_eq(cfg.db_read_timeout, 30);
    ck_assert_int_eq(cfg.db_retry_after, 7);
    ck_assert_int_eq(cfg.max_url_bytes, 4096);
    ck_assert_int_eq(cfg.max_header_bytes, 8192);
    ck_assert_int_eq(cfg.max_body_bytes, 2147483647L);
    ck_assert_str_eq(cfg.templates_dir, "/t");
    ck_assert_str_eq(cfg.migrations_dir, "/m");
    ck_assert_str_eq(cfg.media_dir, "/media");
    ck_assert_int_eq(cfg.log_level, LOG_LEVEL_DEBUG);
    ck_assert_int_eq(cfg.page_size, 500);
    ck_assert_int_eq(cfg.search_limit, 1);
    config_free(&cfg);
    config_free(&cfg);
}
END_TEST

START_TEST(test_stream_settings)
{
    int rc = load_text(REQUIRED "stream: { public = 0; mode = \"x-sendfile\";\n"
                       "  secret_file = \"/srv/lyre/secret\"; url_ttl = 60; };\n");
    ck_assert_msg(rc == 0, "rejected: %s", err.buf);
    ck_assert_int_eq(cfg.stream_public, 0);
    ck_assert_str_eq(cfg.stream_mode, "x-sendfile");
    ck_assert_str_eq(cfg.stream_secret_file, "/srv/lyre/secret");
    ck_assert_int_eq(cfg.stream_url_ttl, 60);

    ck_assert_int_eq(load_text(REQUIRED "stream: { mode = \"sendfile\"; };\n"), -1);
    assert_error_at(2, "setting 'stream.mode' must be \"redirect\" or \"x-sendfile\"");
    ck_assert_int_eq(load_text(REQUIRED "stream: { public = 2; };\n"), -1);
    assert_error_at(2, "setting 'stream.public' must be between 0 and 1");
    ck_assert_int_eq(load_text(REQUIRED "stream: { url_ttl = 5; };\n"), -1);
    assert_error_at(2, "setting 'stream.url_ttl' must be between 10 and 604800");
    ck_assert_int_eq(load_text(REQUIRED "stream: { secret_file = \"\"; };\n"), -1);
    assert_error_at(2, "setting 'stream.secret_file' must not be empty");
}
END_TEST

START_TEST(test_static_url_root)
{
    ck_assert_int_eq(load_text(REQUIRED "site: { static_url = \"/\"; };\n"), 0);
    ck_assert_str_eq(cfg.static_url, "");
}
END_TEST

START_TEST(test_missing_file)
{
    ck_assert_int_eq(config_load(&cfg, "/nonexistent/lyre.conf", &err), -1);
    ck_assert_msg(strstr(err.buf, "/nonexistent/lyre.conf: cannot read") != NULL, "%s", err.buf);
}
END_TEST

START_TEST(test_syntax_error)
{
    ck_assert_int_eq(load_text("database: {\n  user = \"u\";\n  name = ;\n};\n"), -1);
    assert_error_at(3, "syntax error");
    ck_assert_ptr_null(strstr(err.buf, "syntax error: syntax error"));
}
END_TEST

START_TEST(test_duplicate_setting)
{
    ck_assert_int_eq(load_text("database: {\n  user = \"u\"; name = \"n\";\n  name = \"m\";\n};\n"), -1);
    assert_error_at(3, "syntax error: duplicate setting name");
}
END_TEST

START_TEST(test_unknown_setting)
{
    ck_assert_int_eq(load_text("database: {\n  user = \"u\"; name = \"n\";\n  hots = \"db\";\n};\n"), -1);
    assert_error_at(3, "setting 'database.hots' is unknown");
}
END_TEST

START_TEST(test_unknown_group)
{
    ck_assert_int_eq(load_text(REQUIRED "\ngossip: { size = 5; };\n"), -1);
    assert_error_at(3, "setting 'gossip' is unknown");
}
END_TEST

START_TEST(test_unknown_nested_group)
{
    ck_assert_int_eq(load_text("database: {\n  user = \"u\"; name = \"n\";\n"
                               "  replica: { host = \"r\"; };\n};\n"), -1);
    assert_error_at(3, "setting 'database.replica' is unknown");
}
END_TEST

START_TEST(test_unknown_top_level_setting)
{
    /* "port" is known only inside database. */
    ck_assert_int_eq(load_text(REQUIRED "port = 3306;\n"), -1);
    assert_error_at(2, "setting 'port' is unknown");
}
END_TEST

START_TEST(test_wrong_type_integer)
{
    ck_assert_int_eq(load_text(REQUIRED "http: {\n  max_body_bytes = \"1M\";\n};\n"), -1);
    assert_error_at(3, "setting 'http.max_body_bytes' must be an integer");
}
END_TEST

START_TEST(test_wrong_type_float)
{
    ck_assert_int_eq(load_text(REQUIRED "catalog: { page_size = 2.5; };\n"), -1);
    assert_error_at(2, "setting 'catalog.page_size' must be an integer");
}
END_TEST

START_TEST(test_wrong_type_bool)
{
    ck_assert_int_eq(load_text("database: {\n user = \"u\"; name = \"n\";\n port = true;\n};\n"), -1);
    assert_error_at(3, "setting 'database.port' must be an integer");
}
END_TEST

START_TEST(test_wrong_type_string)
{
    ck_assert_int_eq(load_text(REQUIRED "site: {\n name = 5;\n};\n"), -1);
    assert_error_at(3, "setting 'site.name' must be a string");
}
END_TEST

START_TEST(test_wrong_type_group)
{
    ck_assert_int_eq(load_text(REQUIRED "catalog = 5;\n"), -1);
    assert_error_at(2, "setting 'catalog' must be a group");
}
END_TEST

START_TEST(test_wrong_type_list)
{
    ck_assert_int_eq(load_text(REQUIRED "catalog: { page_size = [1, 2]; };\n"), -1);
    assert_error_at(2, "setting 'catalog.page_size' must be an integer");
}
END_TEST

START_TEST(test_bounds_low)
{
    ck_assert_int_eq(load_text(REQUIRED "catalog: { page_size = 0; };\n"), -1);
    assert_error_at(2, "setting 'catalog.page_size' must be between 1 and 500");
}
END_TEST

START_TEST(test_bounds_high)
{
    ck_assert_int_eq(load_text(REQUIRED "catalog: { search_limit = 201; };\n"), -1);
    assert_error_at(2, "setting 'catalog.search_limit' must be between 1 and 200");
}
END_TEST

START_TEST(test_bounds_int64)
{
    ck_assert_int_eq(load_text("database: {\n user = \"u\"; name = \"n\";\n"
                               " port = 5000000000L;\n};\n"), -1);
    assert_error_at(3, "setting 'database.port' must be between 1 and 65535");
    ck_assert_int_eq(load_text(REQUIRED "http: { max_body_bytes = -1; };\n"), -1);
    assert_error_at(2, "setting 'http.max_body_bytes' must be between 0 and 2147483647");
}
END_TEST

START_TEST(test_bad_log_level)
{
    ck_assert_int_eq(load_text(REQUIRED "log: {\n level = \"loud\";\n};\n"), -1);
    assert_error_at(3, "setting 'log.level' must be one of error, warn, info, debug");
    ck_assert_int_eq(load_text(REQUIRED "log: { level = 3; };\n"), -1);
    assert_error_at(2, "setting 'log.level' must be a string");
}
END_TEST

START_TEST(test_bad_urls)
{
    ck_assert_int_eq(load_text(REQUIRED "site: { base_url = \"ftp://example.org\"; };\n"), -1);
    assert_error_at(2, "setting 'site.base_url' must be an absolute");
    ck_assert_int_eq(load_text(REQUIRED "site: { base_url = \"http://a b\"; };\n"), -1);
    assert_error_at(2, "setting 'site.base_url' must be an absolute");
    ck_assert_int_eq(load_text(REQUIRED "site: { base_url = \"https:///\"; };\n"), -1);
    assert_error_at(2, "setting 'site.base_url' must be an absolute");
    ck_assert_int_eq(load_text(REQUIRED "site: { static_url = \"static\"; };\n"), -1);
    assert_error_at(2, "setting 'site.static_url' must be a path");
    ck_assert_int_eq(load_text(REQUIRED "site: { static_url = \"/s\\n\"; };\n"), -1);
    assert_error_at(2, "setting 'site.static_url' must be a path");
}
END_TEST

START_TEST(test_missing_required)
{
    strbuf want = STRBUF_INIT;
    ck_assert_int_eq(load_text("database: { user = \"u\"; };\n"), -1);
    sb_addf(&want, "%s: setting 'database.name' is required but missing", conf_path);
    ck_assert_str_eq(err.buf, want.buf);
    sb_free(&want);

    ck_assert_int_eq(load_text("# nothing\n"), -1);
    ck_assert_ptr_nonnull(strstr(err.buf, "'database.user' is required but missing"));
    ck_assert_ptr_nonnull(strstr(err.buf, "'database.name' is required but missing"));
}
END_TEST

START_TEST(test_empty_required)
{
    ck_assert_int_eq(load_text("database: {\n user = \"\"; name = \"n\";\n};\n"), -1);
    assert_error_at(2, "setting 'database.user' must not be empty");
}
END_TEST

START_TEST(test_every_error_reported)
{
    const char *p;
    int lines = 1;
    ck_assert_int_eq(load_text("database: {\n user = \"u\";\n hots = 1;\n port = 0;\n};\n"
                               "catalog: { page_size = \"x\"; };\n"), -1);
    assert_error_at(3, "setting 'database.hots' is unknown");
    assert_error_at(4, "setting 'database.port' must be between");
    assert_error_at(6, "setting 'catalog.page_size' must be an integer");
    ck_assert_ptr_nonnull(strstr(err.buf, "'database.name' is required"));
    for (p = err.buf; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 4);
}
END_TEST

START_TEST(test_password_from_environment)
{
    setenv("LYRE_DB_PASSWORD", "from-env", 1);
    ck_assert_int_eq(load_text(REQUIRED), 0);
    ck_assert_str_eq(cfg.db_password, "from-env");
    ck_assert_int_eq(load_text("database: { user = \"u\"; name = \"n\"; password = \"file\"; };\n"), 0);
    ck_assert_str_eq(cfg.db_password, "from-env");
    unsetenv("LYRE_DB_PASSWORD");
    ck_assert_int_eq(load_text("database: { user = \"u\"; name = \"n\"; password = \"file\"; };\n"), 0);
    ck_assert_str_eq(cfg.db_password, "file");
}
END_TEST

START_TEST(test_null_err)
{
    ck_assert_int_eq(load_text("nope = 1;\n"), -1);
    config_free(&cfg);
    ck_assert_int_eq(config_load(&cfg, conf_path, NULL), -1);
}
END_TEST

START_TEST(test_include_relative)
{
    char dir[] = "/tmp/lyre-test-confdir-XXXXXX";
    strbuf main_path = STRBUF_INIT, inc_path = STRBUF_INIT;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    sb_addf(&main_path, "%s/lyre.conf", dir);
    sb_addf(&inc_path, "%s/db.conf", dir);
    f = fopen(inc_path.buf, "w");
    ck_assert_ptr_nonnull(f);
    fputs("user = \"u\";\nname = \"n\";\nbogus = 1;\n", f);
    ck_assert_int_eq(fclose(f), 0);
    f = fopen(main_path.buf, "w");
    ck_assert_ptr_nonnull(f);
    fputs("database: {\n@include \"db.conf\"\n};\n", f);
    ck_assert_int_eq(fclose(f), 0);

    ck_assert_int_eq(config_load(&cfg, main_path.buf, &err), -1);
    ck_assert_msg(strstr(err.buf, "db.conf:3: setting 'database.bogus' is unknown") != NULL,
                  "%s", err.buf);
    ck_assert_str_eq(cfg.db_user, "u");

    unlink(inc_path.buf);
    unlink(main_path.buf);
    rmdir(dir);
    sb_free(&main_path);
    sb_free(&inc_path);
}
END_TEST

Suite *suite_config(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_default_path);
    tcase_add_test(tc, test_sample_loads);
    tcase_add_test(tc, test_sample_documents_everything);
    tcase_add_test(tc, test_good_file);
    tcase_add_test(tc, test_stream_settings);
    tcase_add_test(tc, test_static_url_root);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_syntax_error);
    tcase_add_test(tc, test_duplicate_setting);
    tcase_add_test(tc, test_unknown_setting);
    tcase_add_test(tc, test_unknown_group);
    tcase_add_test(tc, test_unknown_nested_group);
    tcase_add_test(tc, test_unknown_top_level_setting);
    tcase_add_test(tc, test_wrong_type_integer);
    tcase_add_test(tc, test_wrong_type_float);
    tcase_add_test(tc, test_wrong_type_bool);
    tcase_add_test(tc, test_wrong_type_string);
    tcase_add_test(tc, test_wrong_type_group);
    tcase_add_test(tc, test_wrong_type_list);
    tcase_add_test(tc, test_bounds_low);
    tcase_add_test(tc, test_bounds_high);
    tcase_add_test(tc, test_bounds_int64);
    tcase_add_test(tc, test_bad_log_level);
    tcase_add_test(tc, test_bad_urls);
    tcase_add_test(tc, test_missing_required);
    tcase_add_test(tc, test_empty_required);
    tcase_add_test(tc, test_every_error_reported);
    tcase_add_test(tc, test_password_from_environment);
    tcase_add_test(tc, test_null_err);
    tcase_add_test(tc, test_include_relative);
    suite_add_tcase(s, tc);
    return s;
}
