-- Custom SQL migration file, put your code below! --
-- Typo tolerance in the Postgres search engine: trigram matching over the search lexicon.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
