/* spots.js — placeholder, filled in by its owner. */
