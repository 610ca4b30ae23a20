// The tables of migrations/{sqlite,postgres}: portable column types only.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        role -> Text,
        password_hash -> Text,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        disabled -> Bool,
        created_at -> Timestamp,
        linked_seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        kind -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    offenses (id) {
        id -> BigInt,
        code -> Text,
        description -> Text,
        description_es -> Text,
        penalty_class -> Text,
        fine_cents -> BigInt,
        points -> Integer,
        plea_by_mail -> Bool,
        must_appear -> Bool,
        effective_from -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    court_holidays (day) {
        day -> Date,
        name -> Text,
    }
}

diesel::table! {
    citations (id) {
        id -> BigInt,
        citation_number -> Text,
        agency -> Text,
        issued_at -> Timestamp,
        location -> Text,
        officer_badge -> Nullable<Text>,
        court_date -> Date,
        first_name -> Text,
        middle_name -> Nullable<Text>,
        last_name -> Text,
        date_of_birth -> Date,
        address_line1 -> Text,
        address_line2 -> Nullable<Text>,
        city -> Text,
        state -> Text,
        postal_code -> Text,
        license_number -> Nullable<Text>,
        license_state -> Nullable<Text>,
        plate -> Nullable<Text>,
        plate_state -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        language -> Text,
        status -> Text,
        response_due -> Date,
        import_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        preferred_language -> Text,
        balance_cents -> BigInt,
        decided_on -> Nullable<Date>,
    }
}

diesel::table! {
    charges (id) {
        id -> BigInt,
        citation_id -> BigInt,
        seq -> Integer,
        offense_code -> Text,
        fine_cents -> BigInt,
        points -> Integer,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        sha256 -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        pages -> Integer,
        storage_path -> Text,
        qr_payloads -> Nullable<Text>,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        original_name -> Nullable<Text>,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        citation_id -> Nullable<BigInt>,
        confirmation -> Text,
        channel -> Text,
        status -> Text,
        received_at -> Timestamp,
        postmark_date -> Nullable<Date>,
        document_id -> Nullable<BigInt>,
        claimed_citation_number -> Nullable<Text>,
        claimed_date_of_birth -> Nullable<Date>,
        claimed_last_name -> Nullable<Text>,
        signature_name -> Nullable<Text>,
        signed -> Bool,
        attested -> Bool,
        statement -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        language -> Text,
        mailing_address -> Nullable<Text>,
        enclosed_payment_cents -> Nullable<BigInt>,
        deficiencies -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        enclosed_payment_method -> Nullable<Text>,
        enclosed_payment_reference -> Nullable<Text>,
        claimed_plate -> Nullable<Text>,
        linked_at -> Nullable<Timestamp>,
        linked_how -> Nullable<Text>,
        duplicate -> Bool,
    }
}

diesel::table! {
    pleas (id) {
        id -> BigInt,
        submission_id -> BigInt,
        charge_seq -> Integer,
        plea -> Text,
    }
}

diesel::table! {
    submission_documents (submission_id, document_id) {
        submission_id -> BigInt,
        document_id -> BigInt,
    }
}

diesel::table! {
    offers (id) {
        id -> BigInt,
        citation_id -> BigInt,
        status -> Text,
        expires_on -> Date,
        made_by -> Nullable<BigInt>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        replaces -> Nullable<BigInt>,
    }
}

diesel::table! {
    offer_charges (id) {
        id -> BigInt,
        offer_id -> BigInt,
        charge_seq -> Integer,
        offense_code -> Text,
        fine_cents -> BigInt,
        points -> Integer,
    }
}

diesel::table! {
    offer_patterns (id) {
        id -> BigInt,
        name -> Text,
        offense_code -> Nullable<Text>,
        fine_rule -> Text,
        fine_value -> Nullable<BigInt>,
        points -> Nullable<Integer>,
        active -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        citation_id -> BigInt,
        amount_cents -> BigInt,
        method -> Text,
        reference -> Nullable<Text>,
        received_on -> Date,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        reversed_at -> Nullable<Timestamp>,
        reversed_by -> Nullable<BigInt>,
        reversal_reason -> Nullable<Text>,
        submission_id -> Nullable<BigInt>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
    }
}

diesel::table! {
    hardship_requests (id) {
        id -> BigInt,
        citation_id -> BigInt,
        kind -> Text,
        statement -> Text,
        channel -> Text,
        status -> Text,
        requested_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        granted_kind -> Nullable<Text>,
        due_on -> Nullable<Date>,
        instalments -> Nullable<Integer>,
        instalment_cents -> Nullable<BigInt>,
        service_hours -> Nullable<Integer>,
        denial_reason -> Nullable<Text>,
        letter_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    dispositions (id) {
        id -> BigInt,
        charge_id -> BigInt,
        disposition -> Text,
        decided_on -> Date,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    letters (id) {
        id -> BigInt,
        citation_id -> Nullable<BigInt>,
        submission_id -> Nullable<BigInt>,
        letter_type -> Text,
        language -> Text,
        recipient -> Text,
        data -> Text,
        storage_path -> Nullable<Text>,
        sha256 -> Nullable<Text>,
        pages -> Nullable<Integer>,
        status -> Text,
        created_at -> Timestamp,
        printed_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
        mailed_at -> Nullable<Timestamp>,
        email_status -> Text,
        by_post -> Bool,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        outcome -> Text,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        last_error -> Nullable<Text>,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    drafts (token_hash) {
        token_hash -> Text,
        data -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plea_decisions (id) {
        id -> BigInt,
        citation_id -> BigInt,
        stands_id -> BigInt,
        set_aside_id -> BigInt,
        decided_by -> BigInt,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    scan_batches (id) {
        id -> BigInt,
        document_id -> BigInt,
        pages -> Integer,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    envelopes (id) {
        id -> BigInt,
        batch_id -> BigInt,
        seq -> Integer,
        citation_id -> Nullable<BigInt>,
        letter_id -> Nullable<BigInt>,
        submission_id -> Nullable<BigInt>,
        flags -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        no_plea_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    scan_pages (id) {
        id -> BigInt,
        batch_id -> BigInt,
        page_no -> Integer,
        envelope_id -> Nullable<BigInt>,
        kind -> Text,
        qr_payload -> Nullable<Text>,
        letter_id -> Nullable<BigInt>,
        flags -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
    }
}

diesel::table! {
    deadline_actions (id) {
        id -> BigInt,
        citation_id -> BigInt,
        kind -> Text,
        due_on -> Date,
        lead_days -> Integer,
        as_of -> Date,
        letter_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    daily_runs (as_of) {
        as_of -> Date,
        reminders -> Integer,
        defaults -> Integer,
        offers_expired -> Integer,
        finished_at -> Timestamp,
    }
}

diesel::table! {
    mail_runs (id) {
        id -> BigInt,
        path -> Text,
        staged_path -> Text,
        letters -> Integer,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        node -> Nullable<Text>,
    }
}

diesel::table! {
    rate_windows (key, minute) {
        key -> Binary,
        minute -> BigInt,
        count -> Integer,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        chunks -> Integer,
        stored_at -> Timestamp,
    }
}

diesel::table! {
    rate_salt (id) {
        id -> Integer,
        salt -> Binary,
    }
}

diesel::table! {
    blob_chunks (sha256, seq) {
        sha256 -> Text,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(charges -> citations (citation_id));
diesel::joinable!(submissions -> citations (citation_id));
diesel::joinable!(pleas -> submissions (submission_id));
diesel::joinable!(offers -> citations (citation_id));
diesel::joinable!(offer_charges -> offers (offer_id));
diesel::joinable!(payments -> citations (citation_id));
diesel::joinable!(hardship_requests -> citations (citation_id));
diesel::joinable!(dispositions -> charges (charge_id));
diesel::joinable!(letters -> citations (citation_id));
diesel::joinable!(submission_documents -> documents (document_id));
diesel::joinable!(scan_batches -> documents (document_id));
diesel::joinable!(envelopes -> scan_batches (batch_id));
diesel::joinable!(envelopes -> citations (citation_id));
diesel::joinable!(scan_pages -> scan_batches (batch_id));
diesel::joinable!(scan_pages -> envelopes (envelope_id));
diesel::joinable!(deadline_actions -> citations (citation_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    api_tokens,
    offenses,
    court_holidays,
    citations,
    charges,
    documents,
    submissions,
    pleas,
    submission_documents,
    offers,
    offer_charges,
    offer_patterns,
    payments,
    hardship_requests,
    dispositions,
    letters,
    events,
    jobs,
    drafts,
    plea_decisions,
    scan_batches,
    envelopes,
    scan_pages,
    deadline_actions,
    daily_runs,
    mail_runs,
    blobs,
    blob_chunks,
);
