//! KPI engine (in progress)
