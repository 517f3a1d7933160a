#![allow(dead_code)]
pub mod accuracy;
