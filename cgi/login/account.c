/* account.c — the profile page (GET /account, POST /account/profile), the
 * data export (GET /account/export), deleting the account (GET/POST
 * /account/delete), and what every account page shares (account.h). */
#include "account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "crypto.h"
#include "log.h"
#include "mail.h"
#include "password.h"
#include "throttle.h"

/* ISO 3166-1 alpha-2, sorted by the names shown (iso-codes' common names,
 * a few shortened). */
static const struct country { const char code[3]; const char *name; } countries[] = {
    { "AF", "Afghanistan" }, { "AX", "Åland Islands" }, { "AL", "Albania" }, { "DZ", "Algeria" },
    { "AS", "American Samoa" }, { "AD", "Andorra" }, { "AO", "Angola" }, { "AI", "Anguilla" },
    { "AQ", "Antarctica" }, { "AG", "Antigua and Barbuda" }, { "AR", "Argentina" },
    { "AM", "Armenia" }, { "AW", "Aruba" }, { "AU", "Australia" }, { "AT", "Austria" },
    { "AZ", "Azerbaijan" }, { "BS", "Bahamas" }, { "BH", "Bahrain" }, { "BD", "Bangladesh" },
    { "BB", "Barbados" }, { "BY", "Belarus" }, { "BE", "Belgium" }, { "BZ", "Belize" },
    { "BJ", "Benin" }, { "BM", "Bermuda" }, { "BT", "Bhutan" }, { "BO", "Bolivia" },
    { "BQ", "Bonaire, Sint Eustatius and Saba" }, { "BA", "Bosnia and Herzegovina" },
    { "BW", "Botswana" }, { "BV", "Bouvet Island" }, { "BR", "Brazil" },
    { "IO", "British Indian Ocean Territory" }, { "VG", "British Virgin Islands" },
    { "BN", "Brunei" }, { "BG", "Bulgaria" }, { "BF", "Burkina Faso" }, { "BI", "Burundi" },
    { "CV", "Cabo Verde" }, { "KH", "Cambodia" }, { "CM", "Cameroon" }, { "CA", "Canada" },
    { "KY", "Cayman Islands" }, { "CF", "Central African Republic" }, { "TD", "Chad" },
    { "CL", "Chile" }, { "CN", "China" }, { "CX", "Christmas Island" },
    { "CC", "Cocos (Keeling) Islands" }, { "CO", "Colombia" }, { "KM", "Comoros" },
    { "CG", "Congo" }, { "CD", "Congo (Democratic Republic)" }, { "CK", "Cook Islands" },
    { "CR", "Costa Rica" }, { "CI", "Côte d'Ivoire" }, { "HR", "Croatia" }, { "CU", "Cuba" },
    { "CW", "Curaçao" }, { "CY", "Cyprus" }, { "CZ", "Czechia" }, { "DK", "Denmark" },
    { "DJ", "Djibouti" }, { "DM", "Dominica" }, { "DO", "Dominican Republic" }, { "EC", "Ecuador" },
    { "EG", "Egypt" }, { "SV", "El Salvador" }, { "GQ", "Equatorial Guinea" }, { "ER", "Eritrea" },
    { "EE", "Estonia" }, { "SZ", "Eswatini" }, { "ET", "Ethiopia" }, { "FK", "Falkland Islands" },
    { "FO", "Faroe Islands" }, { "FJ", "Fiji" }, { "FI", "Finland" }, { "FR", "France" },
    { "GF", "French Guiana" }, { "PF", "French Polynesia" },
    { "TF", "French Southern Territories" }, { "GA", "Gabon" }, { "GM", "Gambia" },
    { "GE", "Georgia" }, { "DE", "Germany" }, { "GH", "Ghana" }, { "GI", "Gibraltar" },
    { "GR", "Greece" }, { "GL", "Greenland" }, { "GD", "Grenada" }, { "GP", "Guadeloupe" },
    { "GU", "Guam" }, { "GT", "Guatemala" }, { "GG", "Guernsey" }, { "GN", "Guinea" },
    { "GW", "Guinea-Bissau" }, { "GY", "Guyana" }, { "HT", "Haiti" },
    { "HM", "Heard Island and McDonald Islands" }, { "HN", "Honduras" }, { "HK", "Hong Kong" },
    { "HU", "Hungary" }, { "IS", "Iceland" }, { "IN", "India" }, { "ID", "Indonesia" },
    { "IR", "Iran" }, { "IQ", "Iraq" }, { "IE", "Ireland" }, { "IM", "Isle of Man" },
    { "IL", "Israel" }, { "IT", "Italy" }, { "JM", "Jamaica" }, { "JP", "Japan" },
    { "JE", "Jersey" }, { "JO", "Jordan" }, { "KZ", "Kazakhstan" }, { "KE", "Kenya" },
    { "KI", "Kiribati" }, { "KW", "Kuwait" }, { "KG", "Kyrgyzstan" }, { "LA", "Laos" },
    { "LV", "Latvia" }, { "LB", "Lebanon" }, { "LS", "Lesotho" }, { "LR", "Liberia" },
    { "LY", "Libya" }, { "LI", "Liechtenstein" }, { "LT", "Lithuania" }, { "LU", "Luxembourg" },
    { "MO", "Macao" }, { "MG", "Madagascar" }, { "MW", "Malawi" }, { "MY", "Malaysia" },
    { "MV", "Maldives" }, { "ML", "Mali" }, { "MT", "Malta" }, { "MH", "Marshall Islands" },
    { "MQ", "Martinique" }, { "MR", "Mauritania" }, { "MU", "Mauritius" }, { "YT", "Mayotte" },
    { "MX", "Mexico" }, { "FM", "Micronesia" }, { "MD", "Moldova" }, { "MC", "Monaco" },
    { "MN", "Mongolia" }, { "ME", "Montenegro" }, { "MS", "Montserrat" }, { "MA", "Morocco" },
    { "MZ", "Mozambique" }, { "MM", "Myanmar" }, { "NA", "Namibia" }, { "NR", "Nauru" },
    { "NP", "Nepal" }, { "NL", "Netherlands" }, { "NC", "New Caledonia" }, { "NZ", "New Zealand" },
    { "NI", "Nicaragua" }, { "NE", "Niger" }, { "NG", "Nigeria" }, { "NU", "Niue" },
    { "NF", "Norfolk Island" }, { "KP", "North Korea" }, { "MK", "North Macedonia" },
    { "MP", "Northern Mariana Islands" }, { "NO", "Norway" }, { "OM", "Oman" },
    { "PK", "Pakistan" }, { "PW", "Palau" }, { "PS", "Palestine" }, { "PA", "Panama" },
    { "PG", "Papua New Guinea" }, { "PY", "Paraguay" }, { "PE", "Peru" }, { "PH", "Philippines" },
    { "PN", "Pitcairn" }, { "PL", "Poland" }, { "PT", "Portugal" }, { "PR", "Puerto Rico" },
    { "QA", "Qatar" }, { "RE", "Réunion" }, { "RO", "Romania" }, { "RU", "Russia" },
    { "RW", "Rwanda" }, { "BL", "Saint Barthélemy" },
    { "SH", "Saint Helena, Ascension and Tristan da Cunha" }, { "KN", "Saint Kitts and Nevis" },
    { "LC", "Saint Lucia" }, { "MF", "Saint Martin (French part)" },
    { "PM", "Saint Pierre and Miquelon" }, { "VC", "Saint Vincent and the Grenadines" },
    { "WS", "Samoa" }, { "SM", "San Marino" }, { "ST", "Sao Tome and Principe" },
    { "SA", "Saudi Arabia" }, { "SN", "Senegal" }, { "RS", "Serbia" }, { "SC", "Seychelles" },
    { "SL", "Sierra Leone" }, { "SG", "Singapore" }, { "SX", "Sint Maarten" }, { "SK", "Slovakia" },
    { "SI", "Slovenia" }, { "SB", "Solomon Islands" }, { "SO", "Somalia" },
    { "ZA", "South Africa" }, { "GS", "South Georgia and the South Sandwich Islands" },
    { "KR", "South Korea" }, { "SS", "South Sudan" }, { "ES", "Spain" }, { "LK", "Sri Lanka" },
    { "SD", "Sudan" }, { "SR", "Suriname" }, { "SJ", "Svalbard and Jan Mayen" }, { "SE", "Sweden" },
    { "CH", "Switzerland" }, { "SY", "Syria" }, { "TW", "Taiwan" }, { "TJ", "Tajikistan" },
    { "TZ", "Tanzania" }, { "TH", "Thailand" }, { "TL", "Timor-Leste" }, { "TG", "Togo" },
    { "TK", "Tokelau" }, { "TO", "Tonga" }, { "TT", "Trinidad and Tobago" }, { "TN", "Tunisia" },
    { "TR", "Türkiye" }, { "TM", "Turkmenistan" }, { "TC", "Turks and Caicos Islands" },
    { "TV", "Tuvalu" }, { "VI", "U.S. Virgin Islands" }, { "UG", "Uganda" }, { "UA", "Ukraine" },
    { "AE", "United Arab Emirates" }, { "GB", "United Kingdom" }, { "US", "United States" },
    { "UM", "United States Minor Outlying Islands" }, { "UY", "Uruguay" }, { "UZ", "Uzbekistan" },
    { "VU", "Vanuatu" }, { "VA", "Vatican City" }, { "VE", "Venezuela" }, { "VN", "Vietnam" },
    { "WF", "Wallis and Futuna" }, { "EH", "Western Sahara" }, { "YE", "Yemen" },
    { "ZM", "Zambia" }, { "ZW", "Zimbabwe" },
};

static const char *country_name(const char *code)
{
    for (size_t i = 0; code && i < sizeof countries / sizeof countries[0]; i++)
        if (strcmp(countries[i].code, code) == 0)
            return countries[i].name;
    return NULL;
}

/* Messages a redirect back to a page can ask for with ?done=: only these,
 * so the address cannot put words on the page. */
static const struct notice { const char *key, *text; } notices[] = {
    { "profile", "Your profile was saved." },
    { "password", "Your password was changed. Every other device was signed out." },
    { "email-sent", "We sent a link to the new address. Your address changes when you open it." },
    { "session-ended", "That device was signed out." },
    { "mfa-off", "Two-factor authentication is off." },
    { "mfa-pending", "Start the set-up again: it was not finished." },
};

/* ------------------------------------------------------------ shared */

lyre_err account_user_load(lyre_req *req, account_user *u)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT username, display_name, COALESCE(email, ''), email_verified_at IS NOT NULL, "
        "COALESCE(country, ''), role, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), password_hash, "
        "totp_enabled_at IS NOT NULL, DATE_FORMAT(totp_enabled_at, '%Y-%m-%d %H:%i:%s') "
        "FROM users WHERE id = ? AND status = 'active'", "u", req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_UNAUTHORIZED;
    u->username = db_cell(&r, 0, 0);
    u->display_name = db_cell(&r, 0, 1);
    u->email = db_cell(&r, 0, 2);
    u->email_verified = db_cell_ll(&r, 0, 3, 0) != 0;
    u->country = db_cell(&r, 0, 4);
    u->role = db_cell(&r, 0, 5);
    u->created_at = db_cell(&r, 0, 6);
    u->password_hash = db_cell(&r, 0, 7);
    u->totp_enabled = db_cell_ll(&r, 0, 8, 0) != 0;
    u->totp_enabled_at = db_cell(&r, 0, 9);
    return LYRE_OK;
}

lyre_view *account_view(lyre_req *req, const account_user *u, const char *section,
                        const char *title, xmlNodePtr *acct)
{
    lyre_view *v = view_new("account", title);
    view_text(view_meta(v), "section", "account");
    xmlNodePtr a = view_elem(view_content(v), "account");
    view_attr(a, "section", section);
    xmlNodePtr user = view_elem(a, "user");
    view_text(user, "username", u->username);
    view_text(user, "display-name", u->display_name);
    xmlNodePtr email = view_text(user, "email", u->email);
    view_attr(email, "verified", u->email_verified ? "yes" : "no");
    view_text(user, "role", u->role);
    view_text(user, "has-password", u->password_hash ? "yes" : "no");
    view_text(user, "two-factor", u->totp_enabled ? "on" : "off");
    const char *done = http_query(req, "done");
    for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(done, notices[i].key) == 0)
            view_text(a, "notice", notices[i].text);
    *acct = a;
    return v;
}

void account_error(xmlNodePtr acct, const char *field, const char *message)
{
    xmlNodePtr errors = NULL;
    for (xmlNodePtr n = acct->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)"errors") == 0)
            errors = n;
    if (!errors)
        errors = view_elem(acct, "errors");
    view_attr(view_text(errors, "error", message), "for", field);
}

void account_keep(xmlNodePtr acct, const char *field, const char *value)
{
    view_attr(view_text(acct, "typed", value), "name", field);
}

lyre_err account_render(lyre_req *req, lyre_view *v, int status)
{
    http_set_header(req, "Cache-Control", "no-store");
    /* A page answering a POST (a form with its mistakes, the set-up step)
     * has no address of its own: htmx must not put the POST's in the
     * history, where a reload would GET it. */
    if (strcmp(req->method, "POST") == 0)
        http_set_header(req, "HX-Push-Url", "false");
    req->status = status;
    return app_render(req, v);
}

lyre_err account_redirect(lyre_req *req, const char *location)
{
    http_set_header(req, "Cache-Control", "no-store");
    return http_redirect(req, 303, location) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

const char *account_form(lyre_req *req, const char *name)
{
    const char *v = http_form(req, name);
    return v ? v : "";
}

/* "Too many wrong ...": 429 with Retry-After. */
static const char *too_many(lyre_req *req, const char *what, long wait)
{
    req->status = 429;
    http_set_header(req, "Retry-After", arena_printf(req->a, "%ld", wait));
    return arena_printf(req->a, "Too many wrong %s. Try again in %ld second%s.", what, wait,
                        wait == 1 ? "" : "s");
}

int account_reauth(lyre_req *req, const account_user *u, const char *password,
                   const char **problem)
{
    char subject[24];
    snprintf(subject, sizeof subject, "%llu", req->auth->user_id);
    req->status = 422;
    if (!u->password_hash) {
        *problem = "This account has no password yet.";
        return 0;
    }
    if (*password == '\0') {
        *problem = "Enter your current password.";
        return 0;
    }
    /* Someone holding a stolen session must not be able to guess the
     * password through these forms any faster than through /login. */
    long wait = throttle_wait(req, "reauth", subject);
    if (wait < 0)
        return -1;
    if (wait == 0 && strlen(password) <= PASSWORD_MAX_BYTES && password_verify(u->password_hash, password)) {
        throttle_clear(req, "reauth", subject);
        req->status = 200;
        return 1;
    }
    if (wait == 0) {
        wait = throttle_fail(req, "reauth", subject);
        if (wait < 0)
            return -1;
        *problem = "That is not your current password.";
        if (wait == 0)
            return 0;
    }
    *problem = too_many(req, "passwords", wait);
    return 0;
}

int account_second_factor(lyre_req *req, const char *code, const char **problem)
{
    char subject[24];
    snprintf(subject, sizeof subject, "%llu", req->auth->user_id);
    if (!code || !*code) {
        req->status = 422;
        *problem = "Enter the code from your app, or a recovery code.";
        return 0;
    }
    /* A scope of its own: the right password that comes with each try
     * clears the password's counter, and must not clear this one. */
    long wait = throttle_wait(req, "reauth-code", subject);
    if (wait < 0)
        return -1;
    if (wait > 0) {
        *problem = too_many(req, "codes", wait);
        return 0;
    }
    int ok = mfa_check_code(req, req->auth->user_id, code);
    if (ok < 0)
        return -1;
    if (ok) {
        throttle_clear(req, "reauth-code", subject);
        return 1;
    }
    wait = throttle_fail(req, "reauth-code", subject);
    if (wait < 0)
        return -1;
    req->status = 422;
    *problem = wait > 0 ? too_many(req, "codes", wait) : "That code is not right, or it was used already.";
    return 0;
}

void account_notify(lyre_req *req, const char *to, const char *subject, const char *body, int advice)
{
    if (!to || !*to)
        return;
    const char *base = req->cfg->base_url;
    char *text = advice
        ? arena_printf(req->a,
              "%s\n\nIf this was not you, change your password at once: %s/account/password\n"
              "and look at the devices signed in to your account: %s/account/sessions\n\n-- %s\n",
              body, base, base, req->cfg->site_name)
        : arena_printf(req->a, "%s\n\n-- %s\n", body, req->cfg->site_name);
    if (mail_send(req->cfg, to, subject, text) != 0)
        log_warn("could not send the notice \"%s\" to user %llu", subject,
                 req->auth ? req->auth->user_id : 0ULL);
}

/* ------------------------------------------------------------ profile */

static lyre_err profile_page(lyre_req *req, const account_user *u, xmlNodePtr *acct_out, lyre_view **out)
{
    xmlNodePtr acct;
    lyre_view *v = account_view(req, u, "profile", "Your account", &acct);
    xmlNodePtr user = acct->children;   /* <user>, made first by account_view */
    view_text(user, "created", u->created_at);
    xmlNodePtr c = view_text(user, "country", country_name(u->country));
    view_attr(c, "code", u->country);
    xmlNodePtr list = view_elem(acct, "countries");
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        view_attr(view_text(list, "country", countries[i].name), "code", countries[i].code);
    /* Social sign-in services: those linked, and a way to link the others. */
    if (req->cfg->n_oidc_providers > 0) {
        db_result ids;
        db_status st = db_query(req->db, req->a, &ids,
                                "SELECT provider, COALESCE(email, '') FROM user_identities WHERE user_id = ?",
                                "u", req->auth->user_id);
        if (st != DB_OK) {
            view_free(v);
            return db_status_to_err(st);
        }
        xmlNodePtr provs = view_elem(acct, "providers");
        for (size_t i = 0; i < req->cfg->n_oidc_providers; i++) {
            const lyre_oidc_provider *p = &req->cfg->oidc_providers[i];
            xmlNodePtr pn = view_elem(provs, "provider");
            view_attr(pn, "name", p->name);
            view_attr(pn, "title", p->title);
            for (size_t r = 0; r < ids.nrows; r++) {
                if (db_cell(&ids, r, 0) && strcmp(db_cell(&ids, r, 0), p->name) == 0) {
                    view_attr(pn, "linked", "yes");
                    view_attr(pn, "email", db_cell(&ids, r, 1));
                }
            }
        }
    }
    *acct_out = acct;
    *out = v;
    return LYRE_OK;
}

lyre_err page_account(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    lyre_view *v;
    err = profile_page(req, &u, &acct, &v);
    if (err != LYRE_OK)
        return err;
    return account_render(req, v, 200);
}

/* Number of code points, or -1 when s holds a control character. */
static long text_chars(const char *s)
{
    long n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return -1;
        if ((*p & 0xC0) != 0x80)
            n++;
    }
    return n;
}

lyre_err post_account_profile(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    /* Leading and trailing spaces are never meant. */
    const char *name = account_form(req, "display_name");
    while (*name == ' ')
        name++;
    char *trimmed = arena_strdup(req->a, name);
    size_t len = strlen(trimmed);
    while (len > 0 && trimmed[len - 1] == ' ')
        trimmed[--len] = '\0';
    const char *country = account_form(req, "country");

    xmlNodePtr acct;
    lyre_view *v;
    err = profile_page(req, &u, &acct, &v);
    if (err != LYRE_OK)
        return err;
    int bad = 0;
    long chars = text_chars(trimmed);
    if (chars < 0) {
        account_error(acct, "display_name", "The display name cannot hold control characters.");
        bad = 1;
    } else if (chars > 100) {
        account_error(acct, "display_name", "Use at most 100 characters for the display name.");
        bad = 1;
    }
    if (*country && !country_name(country)) {
        account_error(acct, "country", "Choose a country from the list.");
        bad = 1;
    }
    if (bad) {
        account_keep(acct, "display_name", trimmed);
        account_keep(acct, "country", country);
        return account_render(req, v, 422);
    }
    view_free(v);
    db_status st = db_exec(req->db, NULL, NULL,
        "UPDATE users SET display_name = ?, country = ? WHERE id = ?", "ssu",
        trimmed, *country ? country : NULL, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    return account_redirect(req, "/account?done=profile");
}

/* ------------------------------------------------------------ export */

/* A JSON string, or null for SQL NULL. */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    /* Everything read from the database is UTF-8; should a byte slip by,
     * say so rather than drop the whole export. */
    return j ? j : json_string("\xEF\xBF\xBD");
}

/* Set key of o to v (stolen); counts failures in *bad. */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        (*bad)++;
}

static void push(json_t *a, json_t *v, int *bad)
{
    if (!v || json_array_append_new(a, v) != 0)
        (*bad)++;
}

/* Rows of r as an array of objects with the given keys (one per column);
 * a key starting with '#' makes a number of that column. */
static json_t *rows_json(const db_result *r, const char *const *keys, int *bad)
{
    json_t *arr = json_array();
    if (!arr) {
        (*bad)++;
        return NULL;
    }
    for (size_t i = 0; i < r->nrows; i++) {
        json_t *o = json_object();
        if (!o) {
            (*bad)++;
            continue;
        }
        for (size_t c = 0; c < r->ncols; c++) {
            const char *cell = db_cell(r, i, c);
            if (keys[c][0] == '#')
                put(o, keys[c] + 1, cell ? json_integer(db_cell_ll(r, i, c, 0)) : json_null(), bad);
            else
                put(o, keys[c], jstr(cell), bad);
        }
        push(arr, o, bad);
    }
    return arr;
}

#define DT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i:%s')"

lyre_err page_account_export(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    db_result extra, sessions, identities, plays, likes, lists, followed;
    db_status st = db_query(req->db, req->a, &extra,
        "SELECT " DT("email_verified_at") ", " DT("password_changed_at") ", "
        "(SELECT COUNT(*) FROM recovery_codes WHERE user_id = users.id AND used_at IS NULL) "
        "FROM users WHERE id = ?", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &sessions,
            "SELECT id, user_agent, ip, method, " DT("created_at") ", " DT("last_seen_at") ", "
            DT("expires_at") " FROM sessions WHERE user_id = ? AND expires_at > NOW(3) "
            "ORDER BY created_at, id", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &identities,
            "SELECT provider, issuer, subject, email, " DT("created_at")
            " FROM user_identities WHERE user_id = ? ORDER BY id", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &plays,
            "SELECT " DT("pe.created_at") ", pe.event, pe.position_ms, pe.bitrate_kbps, pe.client, "
            "pe.play_id, pe.track_id, t.title, ar.name, al.title "
            "FROM play_events pe JOIN tracks t ON t.id = pe.track_id "
            "LEFT JOIN albums al ON al.id = t.album_id "
            "LEFT JOIN artists ar ON ar.id = al.album_artist_id "
            "WHERE pe.user_id = ? ORDER BY pe.created_at, pe.id", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &likes,
            "SELECT 'track', t.id, t.title, ar.name, " DT("l.created_at") " "
            "FROM track_likes l JOIN tracks t ON t.id = l.track_id "
            "LEFT JOIN albums al ON al.id = t.album_id "
            "LEFT JOIN artists ar ON ar.id = al.album_artist_id WHERE l.user_id = ? "
            "UNION ALL SELECT 'album', al.id, al.title, ar.name, " DT("l.created_at") " "
            "FROM album_likes l JOIN albums al ON al.id = l.album_id "
            "LEFT JOIN artists ar ON ar.id = al.album_artist_id WHERE l.user_id = ? "
            "UNION ALL SELECT 'artist', ar.id, ar.name, NULL, " DT("l.created_at") " "
            "FROM artist_follows l JOIN artists ar ON ar.id = l.artist_id WHERE l.user_id = ? "
            "ORDER BY 5, 1, 2", "uuu", uid, uid, uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &lists,
            "SELECT p.id, p.name, p.description, p.is_public, p.is_collaborative, "
            DT("p.created_at") ", " DT("p.updated_at") ", t.id, t.title, ar.name, " DT("pi.added_at") " "
            "FROM playlists p LEFT JOIN playlist_items pi ON pi.playlist_id = p.id "
            "LEFT JOIN tracks t ON t.id = pi.track_id LEFT JOIN albums al ON al.id = t.album_id "
            "LEFT JOIN artists ar ON ar.id = al.album_artist_id "
            "WHERE p.owner_id = ? ORDER BY p.id, pi.position", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &followed,
            "SELECT p.id, p.name, " DT("f.created_at") " FROM playlist_follows f "
            "JOIN playlists p ON p.id = f.playlist_id WHERE f.user_id = ? ORDER BY f.created_at, p.id",
            "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);

    /* Everything the account holds about its person, and never a secret:
     * no password hash, TOTP secret, recovery code, session or CSRF token. */
    int bad = 0;
    json_t *root = json_object();
    if (!root)
        return LYRE_ERR_INTERNAL;
    put(root, "format", json_string("lyre-account-export"), &bad);
    put(root, "version", json_integer(1), &bad);
    put(root, "site", jstr(req->cfg->base_url), &bad);
    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put(root, "exported_at", json_string(when), &bad);

    json_t *profile = json_object();
    put(root, "profile", profile, &bad);
    if (profile) {
        put(profile, "id", json_integer((json_int_t)uid), &bad);
        put(profile, "username", jstr(u.username), &bad);
        put(profile, "display_name", jstr(u.display_name), &bad);
        put(profile, "email", *u.email ? jstr(u.email) : json_null(), &bad);
        put(profile, "email_verified", json_boolean(u.email_verified), &bad);
        put(profile, "email_verified_at", jstr(db_cell(&extra, 0, 0)), &bad);
        put(profile, "country", *u.country ? jstr(u.country) : json_null(), &bad);
        put(profile, "role", jstr(u.role), &bad);
        put(profile, "created_at", jstr(u.created_at), &bad);
        put(profile, "has_password", json_boolean(u.password_hash != NULL), &bad);
        put(profile, "password_changed_at", jstr(db_cell(&extra, 0, 1)), &bad);
        json_t *mfa = json_object();
        put(profile, "two_factor", mfa, &bad);
        if (mfa) {
            put(mfa, "enabled", json_boolean(u.totp_enabled), &bad);
            put(mfa, "enabled_at", jstr(u.totp_enabled_at), &bad);
            put(mfa, "recovery_codes_left", json_integer(db_cell_ll(&extra, 0, 2, 0)), &bad);
        }
    }

    json_t *sess = json_array();
    put(root, "sessions", sess, &bad);
    for (size_t i = 0; sess && i < sessions.nrows; i++) {
        json_t *o = json_object();
        if (!o) {
            bad++;
            break;
        }
        put(o, "device", jstr(account_device(req->a, db_cell(&sessions, i, 1))), &bad);
        put(o, "user_agent", jstr(db_cell(&sessions, i, 1)), &bad);
        put(o, "ip", jstr(db_cell(&sessions, i, 2)), &bad);
        put(o, "method", jstr(db_cell(&sessions, i, 3)), &bad);
        put(o, "created_at", jstr(db_cell(&sessions, i, 4)), &bad);
        put(o, "last_seen_at", jstr(db_cell(&sessions, i, 5)), &bad);
        put(o, "expires_at", jstr(db_cell(&sessions, i, 6)), &bad);
        put(o, "this_device", json_boolean((unsigned long long)db_cell_ll(&sessions, i, 0, 0)
                                           == req->auth->session_id), &bad);
        push(sess, o, &bad);
    }

    static const char *const identity_keys[] = { "provider", "issuer", "subject", "email", "linked_at" };
    put(root, "linked_identities", rows_json(&identities, identity_keys, &bad), &bad);
    static const char *const play_keys[] = { "at", "event", "#position_ms", "#bitrate_kbps", "client",
                                             "play_id", "#track_id", "title", "artist", "album" };
    put(root, "play_history", rows_json(&plays, play_keys, &bad), &bad);
    /* Liked songs and albums, followed artists, oldest first. */
    static const char *const like_keys[] = { "kind", "#id", "name", "artist", "liked_at" };
    put(root, "likes", rows_json(&likes, like_keys, &bad), &bad);
    /* The account's own playlists with their songs in order (one row per
     * song, or one row with no song for an empty playlist), and those it follows. */
    json_t *pls = json_array(), *pl = NULL, *songs = NULL;
    const char *current = NULL;
    if (!pls)
        bad++;
    for (size_t i = 0; pls && !bad && i < lists.nrows; i++) {
        if (!current || strcmp(current, db_cell(&lists, i, 0)) != 0) {
            current = db_cell(&lists, i, 0);
            pl = json_object();
            songs = json_array();
            if (!pl || !songs) {
                bad++;
                json_decref(pl);
                json_decref(songs);
                break;
            }
            put(pl, "id", json_integer(db_cell_ll(&lists, i, 0, 0)), &bad);
            put(pl, "name", jstr(db_cell(&lists, i, 1)), &bad);
            put(pl, "description", jstr(db_cell(&lists, i, 2)), &bad);
            put(pl, "public", json_boolean(db_cell_ll(&lists, i, 3, 0) != 0), &bad);
            put(pl, "collaborative", json_boolean(db_cell_ll(&lists, i, 4, 0) != 0), &bad);
            put(pl, "created_at", jstr(db_cell(&lists, i, 5)), &bad);
            put(pl, "updated_at", jstr(db_cell(&lists, i, 6)), &bad);
            put(pl, "songs", songs, &bad);
            push(pls, pl, &bad);
        }
        if (db_cell(&lists, i, 7)) {
            json_t *song = json_object();
            if (!song) {
                bad++;
                continue;
            }
            put(song, "track_id", json_integer(db_cell_ll(&lists, i, 7, 0)), &bad);
            put(song, "title", jstr(db_cell(&lists, i, 8)), &bad);
            put(song, "artist", jstr(db_cell(&lists, i, 9)), &bad);
            put(song, "added_at", jstr(db_cell(&lists, i, 10)), &bad);
            push(songs, song, &bad);
        }
    }
    put(root, "playlists", pls, &bad);
    static const char *const follow_keys[] = { "#id", "name", "followed_at" };
    put(root, "followed_playlists", rows_json(&followed, follow_keys, &bad), &bad);

    char *text = bad ? NULL : json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    if (!text) {
        log_error("account export of user %llu could not be built", uid);
        return LYRE_ERR_INTERNAL;
    }
    sb_reset(&req->body_out);
    sb_adds(&req->body_out, text);
    sb_addc(&req->body_out, '\n');
    free(text);

    /* The file name carries the username, kept to characters every system
     * accepts in a file name and a header. */
    char *fname = arena_printf(req->a, "lyre-%s-data.json", u.username);
    for (char *p = fname; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            *p = '_';
    req->content_type = "application/json";
    http_set_header(req, "Content-Disposition", arena_printf(req->a, "attachment; filename=\"%s\"", fname));
    http_set_header(req, "Cache-Control", "no-store");
    return LYRE_OK;
}

/* ------------------------------------------------------------ delete */

static lyre_view *delete_page(lyre_req *req, const account_user *u, xmlNodePtr *acct)
{
    return account_view(req, u, "delete", "Delete your account", acct);
}

lyre_err page_account_delete(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    return account_render(req, delete_page(req, &u, &acct), 200);
}

/* ASCII case-insensitive equality (usernames are ASCII). */
static int same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb)
            return 0;
        if (!ca)
            return 1;
    }
}

lyre_err post_account_delete(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    lyre_view *v = delete_page(req, &u, &acct);
    const char *problem = NULL;
    int bad = 0;
    if (u.password_hash) {
        int ok = account_reauth(req, &u, account_form(req, "password"), &problem);
        if (ok < 0) {
            view_free(v);
            return LYRE_ERR_DB_DOWN;
        }
        if (!ok) {
            account_error(acct, "password", problem);
            bad = 1;
        }
    } else if (!same_name(account_form(req, "confirm_username"), u.username)) {
        account_error(acct, "confirm_username", "Type your username exactly to confirm.");
        bad = 1;
    }
    /* The second factor is only spent once the first one is right. */
    if (!bad && u.totp_enabled) {
        int ok = account_second_factor(req, account_form(req, "code"), &problem);
        if (ok < 0) {
            view_free(v);
            return LYRE_ERR_DB_DOWN;
        }
        if (!ok) {
            account_error(acct, "code", problem);
            bad = 1;
        }
    }
    if (bad) {
        if (req->status == 200)
            req->status = 422;
        return account_render(req, v, req->status);
    }
    view_free(v);

    unsigned long long affected = 0;
    db_status st = db_exec(req->db, &affected, NULL, "DELETE FROM users WHERE id = ?", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    log_info("user %llu deleted their account", uid);
    account_notify(req, u.email, "Your account was deleted",
        arena_printf(req->a, "The account %s and everything it held were deleted.", u.username), 0);
    /* Its sessions went with the row; this ends the current one here and
     * clears the cookie. */
    if (session_end_current(req) != LYRE_OK)
        log_warn("the session of deleted user %llu could not be ended cleanly", uid);
    return account_redirect(req, "/");
}
