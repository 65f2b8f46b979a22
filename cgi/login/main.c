/* main.c — cgi/lyre-login: sign-up, login, second factor, logout, email
 * verification, password reset, social login and the account pages.
 * Every POST is checked for its CSRF token by lib/app; ROUTE_LOGIN pages
 * send an anonymous visitor to /login?next=... . */
#include "login.h"

static const lyre_route routes[] = {
    { "GET",  "/signup",                   ROUTE_NONE,  page_signup },
    { "POST", "/signup",                   ROUTE_NONE,  post_signup },
    { "GET",  "/login",                    ROUTE_NONE,  page_login },
    { "POST", "/login",                    ROUTE_NONE,  post_login },
    { "GET",  "/login/mfa",                ROUTE_NONE,  page_login_mfa },
    { "POST", "/login/mfa",                ROUTE_NONE,  post_login_mfa },
    { "POST", "/logout",                   ROUTE_NONE,  post_logout },
    { "POST", "/verify/resend",            ROUTE_LOGIN, post_verify_resend },
    { "GET",  "/verify/{}",                ROUTE_NONE,  page_verify },
    { "GET",  "/reset",                    ROUTE_NONE,  page_reset_request },
    { "POST", "/reset",                    ROUTE_NONE,  post_reset_request },
    { "GET",  "/reset/{}",                 ROUTE_NONE,  page_reset },
    { "POST", "/reset/{}",                 ROUTE_NONE,  post_reset },

    { "GET",  "/account",                  ROUTE_LOGIN, page_account },
    { "POST", "/account/profile",          ROUTE_LOGIN, post_account_profile },
    { "GET",  "/account/password",         ROUTE_LOGIN, page_account_password },
    { "POST", "/account/password",         ROUTE_LOGIN, post_account_password },
    { "GET",  "/account/email",            ROUTE_LOGIN, page_account_email },
    { "POST", "/account/email",            ROUTE_LOGIN, post_account_email },
    { "GET",  "/account/sessions",         ROUTE_LOGIN, page_account_sessions },
    { "POST", "/account/sessions/end-all", ROUTE_LOGIN, post_account_sessions_end_all },
    { "POST", "/account/sessions/{}/end",  ROUTE_LOGIN, post_account_session_end },
    { "GET",  "/account/mfa",              ROUTE_LOGIN, page_account_mfa },
    { "POST", "/account/mfa/setup",        ROUTE_LOGIN, post_account_mfa_setup },
    { "POST", "/account/mfa/enable",       ROUTE_LOGIN, post_account_mfa_enable },
    { "POST", "/account/mfa/disable",      ROUTE_LOGIN, post_account_mfa_disable },
    { "POST", "/account/mfa/recovery",     ROUTE_LOGIN, post_account_mfa_recovery },
    { "GET",  "/account/apps",             ROUTE_LOGIN, page_account_apps },
    { "POST", "/account/apps",             ROUTE_LOGIN, post_account_apps },
    { "POST", "/account/apps/{}/revoke",   ROUTE_LOGIN, post_account_app_revoke },
    { "GET",  "/account/export",           ROUTE_LOGIN, page_account_export },
    { "GET",  "/account/delete",           ROUTE_LOGIN, page_account_delete },
    { "POST", "/account/delete",           ROUTE_LOGIN, post_account_delete },

    { "GET",  "/auth/link",                ROUTE_NONE,  page_oidc_link },
    { "POST", "/auth/link",                ROUTE_NONE,  post_oidc_link },
    { "GET",  "/auth/{}/start",            ROUTE_NONE,  page_oidc_start },
    { "GET",  "/auth/{}/callback",         ROUTE_NONE,  page_oidc_callback },
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-login", routes };
    return app_main(&app, argc, argv);
}
