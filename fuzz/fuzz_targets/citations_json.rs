#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| pleadesk_fuzz::citations_json(data));
