"""The stories pipeline as plain batch stages: lists and numpy arrays in, the same out, no store, no
Spark, no I/O inside (issue 18). A driver only schedules them and moves their data: the local engine
(`copydesk.engine.stories` over an index, `copydesk.engine.batch` over articles in memory) and the Spark
backend (`copydesk.backends.spark`) run the same functions and give the same stories.

1. `prepare`: an article's fingerprints (band keys, passage fingerprints), its `Item` (body shingles,
   words, credits, signals), and the id holding each identical text (`prepare.holders`).
2. `candidates`: candidate pairs from the fingerprint tables (`fingerprint_pairs`) and from rare shared
   shingles in windows of two months (`rare_pairs`).
3. `link`: each candidate pair verified (`verify_many`: figures, verdict, confidence), and the parts of
   one wire story linked (`wire_pairs`, `wire_links`).
4. and 5. `story`: links to components (`components`), a component to its story (`story`: provenance
   tree, credits and flags, aliases, the id from the founder).

`keys` holds the global key (date, then id) every order-dependent choice uses.
"""
