/* library.js — placeholder. */
