/* playlists.js — placeholder. */
