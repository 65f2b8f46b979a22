/* search.h — what the search page (search.c) and the suggestions
 * (suggest.c) share: query words resolved against the vocabulary of
 * db/0009_search.sql, and the ranked candidates of one kind. */
#ifndef LYRE_CATALOG_SEARCH_H
#define LYRE_CATALOG_SEARCH_H

#include "catalog.h"

#define SEARCH_MAX_TERMS 4      /* words of a query that are searched */
#define SEARCH_KIND_ARTIST "1"
#define SEARCH_KIND_ALBUM "2"
#define SEARCH_KIND_TRACK "3"

typedef struct search_term {
    const char *typed;          /* folded, as typed */
    const char *word;           /* the vocabulary word searched, NULL: none near enough */
    long long id, freq;         /* search_words.id (0: none) and how many names hold it */
} search_term;

/* Folded words of q, at most max (arena). */
size_t search_split(arena *a, const char *q, const char **words, size_t max);

/* Find t->typed in the vocabulary: as it is; else, when prefix, its most
 * frequent completion; else the nearest word (shares >= 2 trigrams, edit
 * distance <= 1 for words up to 4 bytes, <= 2 longer, most frequent first).
 * A word held by 2 names or fewer gives way to a near word 10 times as
 * frequent.  DB errors only; "nothing found" leaves t->word NULL. */
db_status search_resolve(lyre_req *req, search_term *t, int prefix);

/* Up to n completions of prefix, most frequent first: rows (id, word, freq). */
db_status search_completions(lyre_req *req, const char *prefix, long long n, db_result *out);

/* Put the rarest term first (it drives the candidate scan) and fill ids[]
 * with SEARCH_MAX_TERMS word ids, repeating the first for absent terms.
 * Returns 0 when some term has no vocabulary word (no match possible). */
int search_term_ids(search_term *terms, size_t n, long long ids[SEARCH_MAX_TERMS]);

/* The candidates of one kind as a derived table "m" (item_id, nwords,
 * plays): names holding every term, fewest words first, then most played.
 * SEARCH_CAND1 for one term (1 parameter: its word id); SEARCH_CAND for
 * more (parameters: the rarest word's id, how many of its postings to read
 * at most, then 3 more word ids).  SEARCH_RANK (1 parameter: the number of
 * terms) is the final order over the candidates:
 *   rank = (terms / words in the name) * (1 + 0.25 * ln(1 + plays))
 * text relevance is the share of the name the query covers (1 = the name
 * is exactly the query), and popularity multiplies it: 100 plays count
 * double, so a popular near match beats an obscure exact one only when it
 * is much more popular.  Plays are distinct plays from play_events (of the
 * track; summed over tracks for albums and artists), counted by
 * `lyre-admin search-index`.
 * The scan bound keeps a query to a few milliseconds however common its
 * words; the price: when every word is common and they are rarely
 * together, names beyond the first postings of the rarest word (fewest
 * words, most played first) are not found. */
#define SEARCH_CAND_LIMIT "100"
#define SEARCH_SCAN_PAGE 2000       /* postings read by a page search */
#define SEARCH_SCAN_SUGGEST 400     /* by a suggestion */
#define SEARCH_CAND1(kind) \
    "(SELECT item_id, nwords, -unpop AS plays FROM search_postings WHERE word_id = ? AND kind = " kind \
    " ORDER BY nwords, unpop, item_id LIMIT " SEARCH_CAND_LIMIT ") m"
#define SEARCH_EXISTS \
    " AND EXISTS (SELECT 1 FROM search_postings q WHERE q.word_id = ? AND q.kind = p.kind" \
    " AND q.nwords = p.nwords AND q.unpop = p.unpop AND q.item_id = p.item_id)"
#define SEARCH_CAND(kind) \
    "(SELECT p.item_id, p.nwords, -p.unpop AS plays FROM " \
    "(SELECT kind, nwords, unpop, item_id FROM search_postings WHERE word_id = ? AND kind = " kind \
    " ORDER BY nwords, unpop, item_id LIMIT ?) p WHERE 1" SEARCH_EXISTS SEARCH_EXISTS SEARCH_EXISTS \
    " ORDER BY p.nwords, p.unpop, p.item_id LIMIT " SEARCH_CAND_LIMIT ") m"
#define SEARCH_RANK "(? / m.nwords) * (1 + 0.25 * LN(1 + m.plays))"

/* Run sql[0] (built on SEARCH_CAND1) for one term, else sql[1] (on
 * SEARCH_CAND); both end with "ORDER BY " SEARCH_RANK " ... LIMIT ?". */
db_status search_query(lyre_req *req, db_result *out, const char *const sql[2], size_t nterms,
                       const long long ids[SEARCH_MAX_TERMS], long long scan, long long limit);

#endif
