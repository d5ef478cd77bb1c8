//! Bounded cost: no input makes `check` or `build` take more than linear time or memory.
//! Costs are compared as ratios at two input sizes, never as absolute times.

use super::*;
