/* lib/apppass.c — placeholder, written by its owner. */
typedef int lyre_placeholder_apppass;
