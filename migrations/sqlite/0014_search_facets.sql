-- Search filters inside the full-text index: each row of `generation_search` gains a `facets` column holding one
-- token for its team and one for its model ('t' or 'm' followed by the value without '_', '-' and '.', so that
-- ordinary ids and slugs are one token; anything else is matched as a phrase of its tokens), so a text search of one
-- team (and one model) can intersect doclists inside FTS5 rather than look up the generation row of every match.
-- Facets only narrow the candidates: the filters themselves are still checked on the rows. Queries restrict what
-- people type to the other columns; ranking gives the facets column no weight. `generation_search_terms` lists the
-- index's terms, so a word typed as a prefix can be matched as the few whole terms it stands for.
DROP TRIGGER generation_search_insert;
DROP TRIGGER generation_search_update;
DROP TRIGGER generation_search_delete;
DROP TABLE generation_search;

CREATE VIRTUAL TABLE generation_search USING fts5 (
    prompt, negative_prompt, model, title, tags, note, facets,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE generation_search_terms USING fts5vocab (generation_search, row);

-- What the index holds for each generation, written by the triggers and the rebuild alike.
CREATE VIEW generation_search_rows AS
SELECT g.seq, coalesce(g.prompt, '') AS prompt, coalesce(g.negative_prompt, '') AS negative_prompt, g.model,
       coalesce((SELECT title FROM models WHERE slug = g.model), '') AS title,
       (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(g.tags)) AS tags, coalesce(g.note, '') AS note,
       coalesce('t' || replace(replace(replace(g.team_id, '_', ''), '-', ''), '.', '') || ' ', '')
       || 'm' || replace(replace(replace(g.model, '_', ''), '-', ''), '.', '') AS facets
FROM generations g;

INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags, note, facets)
SELECT * FROM generation_search_rows;

CREATE TRIGGER generation_search_insert AFTER INSERT ON generations BEGIN
    INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags, note, facets)
    SELECT * FROM generation_search_rows WHERE seq = new.seq;
END;

CREATE TRIGGER generation_search_update AFTER UPDATE OF prompt, negative_prompt, model, tags, note, team_id
ON generations BEGIN
    DELETE FROM generation_search WHERE rowid = old.seq;
    INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags, note, facets)
    SELECT * FROM generation_search_rows WHERE seq = new.seq;
END;

CREATE TRIGGER generation_search_delete AFTER DELETE ON generations BEGIN
    DELETE FROM generation_search WHERE rowid = old.seq;
END;
