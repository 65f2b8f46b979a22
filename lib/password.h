/* password.h — passwords: argon2id hashes (libargon2) with the parameters
 * of lyre.conf (auth.argon2_*), and the rules of NIST SP 800-63B: at least
 * 8 characters (Unicode code points), at most 256 bytes, not one of the
 * most common passwords (auth.common_passwords), no composition rules.
 */
#ifndef LYRE_PASSWORD_H
#define LYRE_PASSWORD_H

#include "arena.h"
#include "config.h"

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_BYTES 256

/* The encoded hash ("$argon2id$v=19$m=...,t=...,p=...$salt$hash", arena)
 * or NULL (logged) on failure.  Salt: 16 random bytes. */
const char *password_hash(const lyre_config *cfg, arena *a, const char *password);

/* 1 if password matches encoded, 0 if not (or encoded is malformed). */
int password_verify(const char *encoded, const char *password);

/* 1 if encoded was made with other parameters than cfg's now (rehash it at
 * the next successful login). */
int password_needs_rehash(const lyre_config *cfg, const char *encoded);

/* Spend the time of one verification against a fixed hash made with cfg's
 * parameters, so an unknown user answers as slowly as a wrong password. */
void password_waste_time(const lyre_config *cfg, const char *password);

/* NULL if password is acceptable for this account, else the sentence to
 * show ("Use at least 8 characters.", "This password is one of the most
 * common ones; choose another.", "The password must not be your user name."...).
 * username/email may be NULL. */
const char *password_problem(const lyre_config *cfg, const char *password, const char *username,
                             const char *email);

#endif
