//! Seed generator: being written (placeholder until the seed helper replaces this file).
