/* search.js — placeholder. */
