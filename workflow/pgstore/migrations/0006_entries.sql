-- asysta pgstore schema, version 6.
--
-- Each index entry holds what the index tells of its case
-- (workflow.Entry): its state, a family's 'Za życiem' flag and difficulty,
-- a foster family's form and coordinator. Store.IndexMany reads loads and
-- a family's children from these rows alone, decoding no snapshot; a
-- commit rewrites them when the case's entry changes.
ALTER TABLE index_entries
    ADD COLUMN state       text             NOT NULL DEFAULT '',
    ADD COLUMN za_zyciem   boolean          NOT NULL DEFAULT false,
    ADD COLUMN difficulty  double precision NOT NULL DEFAULT 0,
    ADD COLUMN form        text             NOT NULL DEFAULT '',
    ADD COLUMN coordinator text             NOT NULL DEFAULT '';

-- The entries of the cases stored so far, as workflow.EntryOf gives them
-- (FamilyFacts.ZaZyciem: a 'Za życiem' kind and the basis za_zyciem).
UPDATE index_entries e SET
    state       = c.state,
    za_zyciem   = coalesce(c.snapshot->'family'->>'za_zyciem_kind', '') <> ''
                  AND coalesce(c.snapshot->'family'->>'basis', '') = 'za_zyciem',
    difficulty  = coalesce((c.snapshot->'family'->>'difficulty')::double precision, 0),
    form        = coalesce(c.snapshot->'foster_family'->>'form', ''),
    coordinator = coalesce(c.snapshot->'foster_family'->>'coordinator', '')
FROM cases c
WHERE c.id = e.case_id;
