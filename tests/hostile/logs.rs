//! Terminal and CI logs: nothing from content reaches human output unescaped.

use super::*;
