-- A free-text note per generation, searchable with the rest: the full-text index gains a `note` column, so it is
-- rebuilt (with its triggers) from the generations table.
ALTER TABLE generations ADD COLUMN note TEXT;

DROP TRIGGER generation_search_insert;
DROP TRIGGER generation_search_update;
DROP TRIGGER generation_search_delete;
DROP TABLE generation_search;

CREATE VIRTUAL TABLE generation_search USING fts5 (
    prompt, negative_prompt, model, title, tags, note,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags, note)
SELECT g.seq, coalesce(g.prompt, ''), coalesce(g.negative_prompt, ''), g.model,
       coalesce((SELECT title FROM models WHERE slug = g.model), ''),
       (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(g.tags)), coalesce(g.note, '')
FROM generations g;

CREATE TRIGGER generation_search_insert AFTER INSERT ON generations BEGIN
    INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags, note)
    VALUES (new.seq, coalesce(new.prompt, ''), coalesce(new.negative_prompt, ''), new.model,
            coalesce((SELECT title FROM models WHERE slug = new.model), ''),
            (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)), coalesce(new.note, ''));
END;

CREATE TRIGGER generation_search_update AFTER UPDATE OF prompt, negative_prompt, model, tags, note ON generations BEGIN
    DELETE FROM generation_search WHERE rowid = old.seq;
    INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags, note)
    VALUES (new.seq, coalesce(new.prompt, ''), coalesce(new.negative_prompt, ''), new.model,
            coalesce((SELECT title FROM models WHERE slug = new.model), ''),
            (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)), coalesce(new.note, ''));
END;

CREATE TRIGGER generation_search_delete AFTER DELETE ON generations BEGIN
    DELETE FROM generation_search WHERE rowid = old.seq;
END;
