// Generated from the city node's OpenAPI document by `npm run console:api` (scripts/generate-api-client.ts) — do not edit.
export interface paths {
    "/api/v1/admin/announce": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Announce this node to every other city now (it also does so at start and periodically) */
        post: operations["CitiesController_announce"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events this city rejected, newest first, with the reason (cursor pagination) */
        get: operations["DeadLetterController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/dead-letters/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-run a dead letter through signature, schema and handlers (after its cause is fixed) */
        post: operations["DeadLetterController_replay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How to sign in at this node: the sandbox's demo users and/or the identity provider (OIDC, PKCE) */
        get: operations["SignInController_options"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue a token for a demo user (embedded sandbox only; 403 TOKEN_ISSUING_DISABLED elsewhere) */
        post: operations["TokenController_issue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/calendar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The working-day calendar: official years (with their notices) and its identity */
        get: operations["CalendarController_view"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/calendar/years/{year}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Load the State Council holiday notice of a year
         * @description Replaces the provisional (or previous) arrangement of the year. Each open case whose due date moves gets a deadline-recomputed timeline entry (sent to the other city); open remediations are recounted.
         */
        put: operations["CalendarAdminController_load"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List cases: the clerk queue of this city by deadline, or a resident's own cases
         * @description Sorted by due date (soonest first, closed cases last), cursor pagination.
         */
        get: operations["CaseController_list"];
        put?: never;
        /**
         * File a case (申请) for a catalogue item
         * @description A resident files online (全程网办) at their own city; a clerk files at the window (异地代收代办, 多地联办) on a resident's behalf. The route (applicant city → receiving city → administering city, mode, channel) must exist in the catalogue. Same Idempotency-Key + same body → the same case (201, then 200); same key + another body → 409.
         */
        post: operations["CaseController_file"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One case with its timeline, deadlines and next steps (ETag = version) */
        get: operations["CaseController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: accept the case (受理); required materials must be complete */
        post: operations["CaseController_accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/claim": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Claim the case for a while (others of this city see the claim and cannot act), or release it */
        post: operations["CaseController_claim"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 收件地: close the case (办结) */
        post: operations["CaseController_complete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/decide": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: decide (准予 approved / 不予 denied with a reason code); the result goes to the receiving city */
        post: operations["CaseController_decide"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/deliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 收件地: deliver the result (送达): window pickup, mail with tracking number, or electronic */
        post: operations["CaseController_deliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 好差评: the applicant rates the service (1–5); 1–2 open a remediation in the responsible city, due after its remediation period (catalogue evaluation.yaml) */
        post: operations["CaseController_evaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/evaluate/follow-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 追评: the applicant adds one follow-up rating (1–5) after the first, e.g. once a 差评 was remediated; the responsible city records on its remediation task whether they are now satisfied (3+)
         * @description Once per case, only after the first rating (CASE_NOT_EVALUATED), not twice (CASE_ALREADY_FOLLOWED_UP), by the applicant only (CASE_NOT_YOUR_DUTY). No follow-up period is enforced: none was verified in this repository.
         */
        post: operations["CaseController_followUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/extend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地负责人: extend the time limit once (行政许可法 art. 42): +10 working days, +15 for joint handling; the reasons are shown to the applicant */
        post: operations["CaseController_extend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/forward": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 收件地: intake check passed (form and identity); forward to the administering city */
        post: operations["CaseController_forward"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: refuse to accept (不予受理) with a reason code */
        post: operations["CaseController_reject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/request-supplement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: one 补正 notice listing every missing item; the clock stops until the applicant answers */
        post: operations["CaseController_requestSupplement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: the special procedure ended; review resumes and the clock runs */
        post: operations["CaseController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/return": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 收件地: return the application at intake (退件) */
        post: operations["CaseController_returnCase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: start substantive review (审查) */
        post: operations["CaseController_review"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/special-procedure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 办理地: start a special procedure (听证, 检验检测, 鉴定…); the clock stops */
        post: operations["CaseController_specialProcedure"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/supplement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The applicant (or a clerk of their city for them) answers the 补正 notice */
        post: operations["CaseController_supplement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The applicant withdraws (撤回) before the decision
         * @description 200 when this city holds the case; 202 when the request goes to the city that holds it, which answers in the timeline (case-withdrawn or case-withdrawal-refused).
         */
        post: operations["CaseController_withdraw"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/commitments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Plan commitments and the items implementing them */
        get: operations["CatalogueController_commitments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/credential-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Credential types that may replace materials */
        get: operations["CatalogueController_credentialTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List service items
         * @description Filters combine with AND; pages are ordered by code. `q` matches Chinese or English names, keywords, codes, bodies and materials.
         */
        get: operations["CatalogueController_listItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/items/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one item */
        get: operations["CatalogueController_getItem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/items/{code}/deadline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Compute the deadline of an item from a start date
         * @description Counts working days on the official PRC calendar in Asia/Shanghai (holidays and 调休 make-up days); the start day is not counted; pauses stop the clock. A year without a State Council notice is counted provisionally on the statutory holidays (provisional: true).
         */
        post: operations["CatalogueController_computeDeadline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/items/{code}/materials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An item's materials with the credential types that may replace each */
        get: operations["CatalogueController_getMaterials"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/routes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which items a resident of `from` can file at `at`, administered by whom, in which mode */
        get: operations["CatalogueController_findRoutes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Version label, content hash and start date of a catalogue (default: current) */
        get: operations["CatalogueController_version"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalogue/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every loaded catalogue version, newest first */
        get: operations["CatalogueController_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The city registry, and what each peer city last announced (software, catalogue version, clock) */
        get: operations["CitiesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's own credentials (wallet), newest first */
        get: operations["CredentialsController_listOwn"];
        put?: never;
        /**
         * Issue a credential, signed with this city's SM2 issuer key
         * @description Clerks and supervisors of this city issue for the body of their hall, partner systems (scope credentials:issue) for the body their API key is bound to; that body must be authorised for the type in this city's issuing-authority list. Holder codes are checked (GB 11643 / GB 32100 check characters); the number is generated (GB/T 36904 style).
         */
        post: operations["CredentialsController_issue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One credential (its holder, this city's staff, or the partner that issued it)
         * @description The holder sees it in full with its signed document. Staff and partners see the holder's ID number masked and no document, unless a clerk or supervisor states a `purpose` their role may use; that read is audited with its purpose.
         */
        get: operations["CredentialsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/{id}/reinstate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reinstate a suspended credential (broadcast to every city) */
        post: operations["CredentialsController_reinstate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a credential for good (broadcast to every city; the reason code goes out, the free text stays here) */
        post: operations["CredentialsController_revoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend a valid credential (broadcast to every city) */
        post: operations["CredentialsController_suspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/issuer-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Issuer public keys of every city as this node knows them (own and replicated), with each registry stream's freshness */
        get: operations["IssuerKeysController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/issuer-keys/{keyId}/retire": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retire a rotated key: every city stops accepting what it signed (KEY_RETIRED) */
        post: operations["IssuerKeysController_retire"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/issuer-keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate: a new active key signs from now on; the previous one keeps verifying what it signed */
        post: operations["IssuerKeysController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/registry/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Broadcast a registry checkpoint (status heartbeat) now; the node also does so every CREDENTIAL_STATUS_HEARTBEAT_SECONDS */
        post: operations["IssuerKeysController_checkpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a case material (checked by magic bytes; 413 over 20 MiB, 415 for other types) */
        post: operations["FilesController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a file (the uploader; clerks and supervisors of this city); audited */
        get: operations["FilesController_download"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/interchange/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Peer city nodes only (embedded transport): deliver one signed cross-city event; answers after the receiver committed or dead-lettered it (see docs/messaging.md) */
        post: operations["InterchangeEventsController_deliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/interchange/events/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Peer city nodes only (embedded transport): deliver several signed cross-city events in one signed request (what the transport sends); applied in order, answered per event after the receiver committed, dead-lettered or refused each (see docs/messaging.md) */
        post: operations["InterchangeEventsController_deliverBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/interchange/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Peer city nodes only: the bytes of a file granted to the requesting city (see docs/files.md for the signature) */
        get: operations["InterchangeFilesController_fetch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/bookings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Bookings, newest first, cursor-paged: a resident’s own; every one of this city for clerks (the read is audited) */
        get: operations["BookingController_list"];
        put?: never;
        /**
         * Book a slot at a hospital of the other city (answered asynchronously: GET the booking)
         * @description pending → confirmed / refused (MEDICAL_SLOT_FULL, MEDICAL_SLOT_NOT_FOUND, MEDICAL_BOOKING_EXPIRED) by the hospital’s answer, or timed-out (MEDICAL_BOOKING_TIMED_OUT, with the reason) when no answer came within 60 s. A later answer is recorded in lateAnswer and never revives the booking; a late confirmation’s slot is released.
         */
        post: operations["BookingController_book"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/bookings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One booking (the resident’s own); the read is audited */
        get: operations["BookingController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/bookings/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a booking (the resident’s own; a clerk for the person): the hospital’s city releases the place
         * @description A pending or confirmed booking whose slot has not started becomes cancelled; the hospital’s city releases its place (booking-cancelled, reason patient), once. Cancelling again answers the same. Refused, timed-out or started → 409 MEDICAL_BOOKING_NOT_CANCELLABLE.
         */
        post: operations["BookingController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing-applications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The agency’s clearing applications, oldest period first, cursor-paged (state=applied: those to process) */
        get: operations["ClearingApplicationController_list"];
        put?: never;
        /**
         * 3203: apply to this city’s agency for the clearing of a closed period (idempotent on msgid: 201, then 200)
         * @description Every day of the period with settlements or reversals must be reconciled (the latest 3201 / 3202 of the day matched, and the agency’s records unchanged since); the sums are the agency’s, from its settlements (reversals negative), in fen, also per insured city. `declared` sums, when sent, must equal them.
         */
        post: operations["ClearingApplicationController_apply"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing-applications/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One clearing application (a hospital sees its own) */
        get: operations["ClearingApplicationController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing-applications/{id}/process": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The agency takes the application into its clearing (idempotent); the hospital can no longer reverse it */
        post: operations["ClearingApplicationController_process"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing-applications/{id}/reversal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 3204: reverse a clearing application the agency has not processed (idempotent on msgid) */
        post: operations["ClearingApplicationController_reverse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing/arriving": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statements still arriving here (the insured city): header or chunks staged, not yet whole; oldest first, cursor-paged
         * @description For each: the treating city, the period and chunk count once the header is here, how many chunks have arrived, problems found so far, and when the first and last pieces came. A statement leaves this list when its last piece records it.
         */
        get: operations["ClearingController_arriving"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing/statements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Clearing statements held here (this city’s part of each), newest period first, cursor-paged */
        get: operations["ClearingController_list"];
        put?: never;
        /**
         * Treating city: issue the monthly clearing statement for an insured city
         * @description Every settlement of the period, reversals of earlier periods as negative items; advance and net. The insured city receives it as addressed events — a header (item count, SM3 digest of the items, totals) and the items in chunks — and proves it from its own copies of the claims once every piece has arrived.
         */
        post: operations["ClearingController_issue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing/statements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A clearing statement with its items, totals, state and the verifier’s proof
         * @description At the insured city a statement shows once its header and every chunk of its items have arrived; before that 409 MEDICAL_STATEMENT_INCOMPLETE says how many are here.
         */
        get: operations["ClearingController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing/statements/{id}/answer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Treating city: answer a contested item (upheld or withdrawn) */
        post: operations["ClearingController_answer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing/statements/{id}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Insured city: confirm (every contest answered); immutable from then on */
        post: operations["ClearingController_confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/clearing/statements/{id}/contest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Insured city: contest one item with a reason code */
        post: operations["ClearingController_contest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 9101: upload a 3202 detail file; the answer’s fileId (file_qury_no) is named in 3202
         * @description Checked before it is stored: UTF-8 text without control characters (not a PDF or image), the 3202 header, every line a setl_id, kind and four yuan amounts. 413 beyond 20 MiB.
         */
        post: operations["HospitalFileController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 9102: download a file of this hospital (its 3202 detail file or the agency’s result); audited */
        get: operations["HospitalFileController_download"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/filings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 备案 held here, newest first, cursor-paged (persons masked; the read is audited)
         * @description Clerks see every 备案 of this node (origin own: registered here; replica: received from the insured city); residents only their own registered here.
         */
        get: operations["FilingController_list"];
        put?: never;
        /**
         * 备案: register a person of this (insured) city for treatment in another city
         * @description Residents register themselves (verified identity); clerks and the insured agency system (scope medical:filing) register a named person. Long-term kinds are valid until cancelled, temporary ones at least 6 months (医保发〔2022〕22号). The treating city receives it as an addressed event, with a first allowance from the annual cap.
         */
        post: operations["FilingController_register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/filings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One 备案 (person masked; the read is audited) */
        get: operations["FilingController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/filings/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a 备案 (变更/取消备案); the treating city is told */
        post: operations["FilingController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/health-record/access-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Patient: who asked for my summary, when, for what, and whether it was shared (newest first, cursor-paged) */
        get: operations["HealthRecordController_accessLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/health-record/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Patient: my consents */
        get: operations["HealthRecordController_consents"];
        put?: never;
        /** Patient: consent to share my summary with a named hospital of the other city, for a purpose, until an instant */
        post: operations["HealthRecordController_grant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/health-record/consents/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Patient: revoke a consent; further requests are refused (MEDICAL_CONSENT_REVOKED) */
        post: operations["HealthRecordController_revoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/health-record/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Hospital: ask the patient’s city for their summary (answered asynchronously: GET the request)
         * @description The request travels to the patient’s city as an addressed event (patient sealed); it shares the summary only under a valid consent of the patient for this hospital and purpose, else refuses with MEDICAL_CONSENT_MISSING, MEDICAL_CONSENT_EXPIRED, MEDICAL_CONSENT_REVOKED or MEDICAL_HEALTH_RECORD_MISSING.
         */
        post: operations["HealthRecordController_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/health-record/requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Hospital: the request, with the summary while the consent lasts (the read is audited) */
        get: operations["HealthRecordController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/health-record/summaries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Patient’s city: put a person’s health-record summary (sealed at rest) */
        put: operations["HealthRecordController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/hospitals/{code}/settlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This hospital’s settlements, newest settlement day first, cursor-paged (audited) */
        get: operations["HospitalController_hospitalSettlements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/national": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The national interface envelope (infno + input): 1101, 2201/2202, 2204/2205, 2206/2207/2208, 2301/2302, 2303/2304/2305, 2401/2404, 2601 冲正, 3203/3204 清算申请/撤销, 5206 累计, 9101/9102 文件上传/下载
         * @description Amounts in yuan (2 decimals) at this edge, fen inside. Errors are problem+json with the same stable codes as the REST resources.
         */
        post: operations["HospitalController_envelope"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/persons/{id}/cumulative": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 5206: a person’s cumulative figures of a year here — the insured city’s cap and grant, this city’s own use (audited)
         * @description Answered from what this node holds, without asking the insured city: each figure says whose knowledge it is. What the person used in the insured city or elsewhere is not known here; it is at most cap − granted.
         */
        get: operations["HospitalFileController_person"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/persons/query": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 1101: a person’s 备案 at this city and insured area (masked; audited) */
        post: operations["HospitalController_person"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/reconciliations/details": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 3202: the hospital’s detail file of a day (inline, or the file id of its 9101 upload) against the agency’s records, a reason per mismatch
         * @description The result is also written as a CSV file (resultFileId) that the hospital downloads with 9102 (GET /medical/files/{id}).
         */
        post: operations["ClearingController_details"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/reconciliations/totals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 3201: the hospital’s totals of a day against the agency’s */
        post: operations["ClearingController_totals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/settlements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One settlement of this hospital */
        get: operations["HospitalController_settlement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/settlements/{id}/reversal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 2208 / 2305: reverse a settlement; the allowance is restored (idempotent on msgid) */
        post: operations["HospitalController_reverse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/slots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Slots of the other city’s hospitals, earliest first, cursor-paged (public data)
         * @description From this node’s copy of the other city’s announcements: places left as last announced (the hospital’s city decides when booked: POST /medical/bookings may still answer MEDICAL_SLOT_FULL).
         */
        get: operations["SlotController_list"];
        put?: never;
        /**
         * A designated hospital offers a bookable slot (announced to the other cities)
         * @description The hospital is the one its key is bound to, at this city. Its city announces the slot and, whenever a booking takes or releases a place, the places left (slot-offered).
         */
        post: operations["SlotController_offer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/slots/{id}/bookings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The places held on one of the hospital’s slots: who is coming (masked) and which places went back, cursor-paged
         * @description The hospital’s own slots only (another hospital’s → 404). In the order the places were confirmed; the patient masked (enough to match them at the counter); each read audited with the bookings shown.
         */
        get: operations["SlotController_holds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/slots/{id}/withdrawal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 停诊: the hospital withdraws one of its slots before it starts (its bookings end, the patients’ cities are told)
         * @description One transaction: no more bookings of the slot (a later request is refused MEDICAL_SLOT_NOT_FOUND), every place held on it released, and slot-withdrawn sent to every city, which drops the slot from its listing and ends its own residents’ bookings of it (state withdrawn, refusal MEDICAL_SLOT_WITHDRAWN, the reason). Withdrawing again answers the same. Another hospital’s slot → 404.
         */
        post: operations["SlotController_withdraw"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 2201 / 2401: register an outpatient visit or an inpatient admission (idempotent on msgid) */
        post: operations["HospitalController_registerVisit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One visit of this hospital, with its fee lines */
        get: operations["HospitalController_visit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 2202 / 2404: reverse a registration (no live settlement) */
        post: operations["HospitalController_cancelVisit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}/fee-lines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 2204 / 2301: upload fee lines (a line number again replaces that line) */
        post: operations["HospitalController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}/fee-lines/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 2205 / 2302: withdraw fee lines (all when none named) */
        post: operations["HospitalController_withdraw"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}/pre-settlement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 2206 / 2303: pre-settle — the split as it would be now, per line, nothing written */
        post: operations["HospitalController_preSettle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}/settlement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 2207 / 2304: settle (idempotent on msgid: 201, then 200 with the same settlement)
         * @description Fund, personal account and cash in fen, with a per-line explanation. The fund pays at most the allowance this city holds for the person; the rest is cash, and shortfall says why.
         */
        post: operations["HospitalController_settle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/medical/visits/{id}/test-results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 检查检验结果互认: recognise a test report issued in another city, shown as an electronic credential
         * @description Verified against this city's replicated credential registry (signature, issuer key, the issuing body authorised for MEDICAL_TEST_REPORT, status, dates) and held by the visiting person; recognised: false lists the reasons (e.g. HOLDER_MISMATCH, REVOKED, TYPE_MISMATCH). Recorded with the visit and audited.
         */
        post: operations["HospitalController_recogniseTestResult"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/presentations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Present one of your credentials to a named verifier, for a purpose, for a short time
         * @description Only that verifier can use the token (POST /api/v1/verifications), once (or until expiry when singleUse is false). The token carries the signed credential and is signed by the issuing city, so any city verifies it offline.
         */
        post: operations["PresentationsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/presentations/access-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who verified your credentials, when, for what and with which outcome */
        get: operations["PresentationsController_accessLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/remediations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Remediation tasks of this city (open first, by due date) */
        get: operations["RemediationController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/remediations/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a remediation task with what was done */
        post: operations["RemediationController_resolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/card-verifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 社会保障卡 from the other city: verified from this city's replicated registry (the holder masked; audited) */
        post: operations["SocialInsuranceController_verifyCard"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/civil-records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A death or a prison term registered in this city: the records other cities' benefit rolls are matched against */
        post: operations["SocialInsuranceController_civilRecord"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/contributions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * An employer's monthly contribution report (partner system whose API key the city's admin bound to the employer's 统一社会信用代码)
         * @description One line per person, scheme and month, amounts in fen. A correction by the same employer replaces its month.
         */
        post: operations["SocialInsuranceController_report"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/cross-checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 数据比对 on demand: this city's benefit roll as HMAC-SM3 keyed hashes against another city's death and prison records
         * @description No ID number crosses: only keyed hashes under the shared match key (by key id). Each hit opens a joint investigation. Also runs on a schedule.
         */
        post: operations["SocialInsuranceController_crossCheck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/cross-checks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A cross-check: state, hits, the investigations it opened */
        get: operations["SocialInsuranceController_getCrossCheck"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/eligibility-confirmations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 资格认证 where the retiree lives, sent to the paying city (valid 12 months) */
        post: operations["SocialInsuranceController_confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/employers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Bind an employer's partner API key (of this city) to the employer's 统一社会信用代码: the only employer it reports for */
        post: operations["SocialInsuranceController_bindEmployer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/investigations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Joint investigations of this city (filter by state, side; cursor pages): this city's own person, masked */
        get: operations["SocialInsuranceController_listInvestigations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/investigations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A joint investigation (the same id in both cities): this city's own person revealed to its clerks only (the read is audited) */
        get: operations["SocialInsuranceController_getInvestigation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/investigations/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a joint investigation: this city's clerk records the outcome and reason; the other city closes its copy (addressed event) */
        post: operations["SocialInsuranceController_closeInvestigation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/medical-transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Medical-insurance transfers this city takes part in (filter by state, direction; cursor pages): the person masked */
        get: operations["SocialInsuranceController_listMedical"];
        put?: never;
        /** 基本医疗保险关系转移接续: the new place takes the application and asks the old place (release due within 10 working days) */
        post: operations["SocialInsuranceController_applyMedical"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/medical-transfers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A medical-insurance transfer: timeline, deadlines (10 + 5 working days), the gap treatment */
        get: operations["SocialInsuranceController_getMedical"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/medical-transfers/{id}/continue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** New place: continue within 5 working days; a gap ≤ 3 months is paid up (back-dated), longer: a waiting period ≤ 6 months */
        post: operations["SocialInsuranceController_continueMedical"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/medical-transfers/{id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Old place: release the relationship (months insured, last month paid), within 10 working days */
        post: operations["SocialInsuranceController_releaseMedical"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/payment-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The month's pension payment run for every retiree paid here (suspensions, back pay; each month paid once) */
        post: operations["SocialInsuranceController_run"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/pension-claims": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pension claims: a clerk sees this city's, a resident only their own (filter by state; cursor pages) */
        get: operations["SocialInsuranceController_listClaims"];
        put?: never;
        /**
         * 养老保险待遇申领: in-province aggregation at claim time (no transfer)
         * @description The other cities of this city's province are asked for the claimant's record; once all answered, the claim is aggregated: months per city, the last insured city, duplicate months (refund asked from the other city), the 10-year rule.
         */
        post: operations["SocialInsuranceController_claim"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/pension-claims/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A pension claim with the combined record and its aggregation (the read is audited) */
        get: operations["SocialInsuranceController_getClaim"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/record-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for my combined record from every city (with my consent)
         * @description Each other city of the registry is asked, by an addressed event naming you and the purpose, for the months it holds; they answer to this city only. Poll the request until `complete`.
         */
        post: operations["SocialInsuranceController_requestRecord"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/record-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My combined record: periods from every city, months per scheme, duplicates (the read is audited) */
        get: operations["SocialInsuranceController_getRecord"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/retirees": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retirees this city pays (filter by city of residence, stopped; cursor pages) */
        get: operations["SocialInsuranceController_listRetirees"];
        put?: never;
        /** Register a retiree paid by this city and living in another */
        post: operations["SocialInsuranceController_registerRetiree"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/retirees/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A retiree: status, payments (back pay marked), recoveries (the read is audited) */
        get: operations["SocialInsuranceController_getRetiree"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/stop-notices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A death or imprisonment registered here, sent to the paying city (payment stops from the next month; later payments recovered) */
        post: operations["SocialInsuranceController_notifyStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The clerk queue: transfers this city takes part in, newest first, with the next step and its due date (cursor pages) */
        get: operations["SocialInsuranceController_listTransfers"];
        put?: never;
        /**
         * 跨省转移接续: the new place files the application (step 1)
         * @description Only between cities the registry puts in different provinces. Deadlines: 15 working days per step on the official calendar.
         */
        post: operations["SocialInsuranceController_apply"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/transfers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A transfer: the timeline both cities see, deadlines, amounts in fen, fund records (the read is audited) */
        get: operations["SocialInsuranceController_getTransfer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/transfers/{id}/contact-letter": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Step 2, new place: send the 联系函 to the old place (within 15 working days of the application) */
        post: operations["SocialInsuranceController_contactLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/transfers/{id}/continue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Step 4, new place: 接续 (within 15 working days of the funds); what arrived must equal what left */
        post: operations["SocialInsuranceController_continueTransfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/transfers/{id}/funds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Step 3, old place: send the record and the funds (within 15 working days of the letter); months the new place holds are refunded */
        post: operations["SocialInsuranceController_funds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/work-injury-cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This city's work-injury cases (filter by state; cursor pages): the worker masked */
        get: operations["SocialInsuranceController_listWorkInjury"];
        put?: never;
        /**
         * 工伤认定: a case in the employer's city (where it insured the worker against work injury for the accident's month)
         * @description The employer applies within 30 days of the accident, the worker within 1 year; decided within 60 days of acceptance, 15 for clear cases (calendar days).
         */
        post: operations["SocialInsuranceController_fileWorkInjury"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/work-injury-cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A work-injury case (the read is audited) */
        get: operations["SocialInsuranceController_getWorkInjury"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/work-injury-cases/{id}/decide": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 认定决定: recognised with the WORK_INJURY_DETERMINATION credential this city issued (verified), or not recognised */
        post: operations["SocialInsuranceController_decideWorkInjury"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/social-insurance/work-injury-recognitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 工伤认定结论互认: the other city's clerk accepts a determination, verified from this city's replicated registry */
        post: operations["SocialInsuranceController_recogniseWorkInjury"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/verifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify a credential (the signed document, or a presentation token made for you) from this city's replicated registry
         * @description Clerks and supervisors of this city, or partner systems with scope credentials:verify. Audited; the issuing city is told who verified (the holder sees it in their access log).
         */
        post: operations["VerificationsController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Own deliveries, newest first (cursor pagination) */
        get: operations["WebhooksController_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One own delivery with its attempt log */
        get: operations["WebhooksController_delivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/deliveries/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a failed (or delivered) delivery again, with a fresh attempt budget */
        post: operations["WebhooksController_redeliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Event types partners may subscribe to */
        get: operations["WebhooksController_eventTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Own subscriptions (without secrets) */
        get: operations["WebhooksController_list"];
        put?: never;
        /** Subscribe an endpoint; the response carries the HMAC secret, shown once */
        post: operations["WebhooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One own subscription */
        get: operations["WebhooksController_get"];
        put?: never;
        post?: never;
        /** Unsubscribe (pending deliveries are cancelled) */
        delete: operations["WebhooksController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/subscriptions/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the secret (returned once); the old one stops signing at once */
        post: operations["WebhooksController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the city database answers and the event transport can deliver (Kafka: the broker answers for this node’s topics) */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccessCredentialDto: {
            /** @example 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a */
            id: string;
            /** @example 1144010000750200162026000000426 */
            number: string;
            /** @example RESIDENCE_PERMIT */
            type: string;
        };
        AccessLogDto: {
            items: components["schemas"]["AccessLogEntryDto"][];
        };
        AccessLogEntryDto: {
            credential: components["schemas"]["AccessCredentialDto"];
            /** @example 7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0 */
            presentationId: string | null;
            /** @example 开立账户核验居住证 */
            purpose: string | null;
            /** @example [] */
            reasons: string[];
            /** @example true */
            valid: boolean;
            /** @example 5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21 */
            verificationId: string;
            /** @example 2026-11-27T09:02:11.000Z */
            verifiedAt: string;
            /**
             * @description A partner system, or a clerk role with city and hall (never a person)
             * @example {
             *       "kind": "partner",
             *       "city": "440600",
             *       "id": "demo-bank-fs",
             *       "name": "佛山示范银行"
             *     }
             */
            verifier: Record<string, never>;
        };
        AllowanceDto: {
            /** @example 300000 */
            accountAvailableFen: number;
            /** @example 5000000 */
            fundAvailableFen: number;
            /** @example 2026 */
            year: number;
        };
        AnswerDto: {
            /** @example 已核对费用明细, 金额无误 */
            note: string;
            /**
             * @example upheld
             * @enum {string}
             */
            outcome: "upheld" | "withdrawn";
        };
        AnswerItemDto: {
            /**
             * @example claim
             * @enum {string}
             */
            kind: "claim" | "reversal";
            /** @example 已核对费用明细, 金额无误 */
            note: string;
            /**
             * @example upheld
             * @enum {string}
             */
            outcome: "upheld" | "withdrawn";
            /** @example 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a */
            settlementId: string;
        };
        ApplicantDto: {
            /**
             * @description Clerks (required): how the applicant's identity was checked in person — id-card-reader 二代证读卡, id-card-inspection 证件原件核验, face-match 人证比对
             * @example id-card-reader
             * @enum {string}
             */
            identityCheck?: "id-card-reader" | "id-card-inspection" | "face-match";
            /**
             * @description 公民身份号码 (GB 11643, checked). Stored encrypted; shown in full only to its owner.
             * @example 44060419920505002X
             */
            idNumber: string;
            /** @example 李小红 */
            name: string;
            /**
             * @description Clerks: the applicant's resident account, so they can follow the case online. The link takes effect only for an account whose verified identity (实名认证) is this applicant's.
             * @example fs-resident
             */
            sub?: string;
        };
        ApplyClearingDto: {
            /**
             * @description First day of the period (begndate)
             * @example 2026-03-01
             */
            beginOn: string;
            declared?: components["schemas"]["DeclaredClearingTotalsDto"];
            /**
             * @description Last day (enddate): before today, at most 31 days after beginOn
             * @example 2026-03-31
             */
            endOn: string;
            /**
             * @description Idempotency key: institution code + yyyyMMddHHmmss + 4 digits
             * @example H44060000001202604010900000001
             */
            msgid: string;
        };
        ArrivingPageDto: {
            items: components["schemas"]["ArrivingStatementDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        ArrivingStatementDto: {
            /**
             * @description Chunks the header announces; null until it has arrived
             * @example 491
             */
            chunkCount: number | null;
            /** @example 412 */
            chunksArrived: number;
            /** @example 2026-12-01T16:00:02.000Z */
            firstAt: string;
            /** @example true */
            headerArrived: boolean;
            /** @example 981935 */
            itemCount: number | null;
            /**
             * @description When the last piece arrived (an old one: the statement is stuck)
             * @example 2026-12-01T16:00:31.000Z
             */
            lastAt: string;
            /**
             * @description From the header; null until it has arrived
             * @example 2026-11
             */
            period: string | null;
            /**
             * @description What staging found wrong so far (part of the proof)
             * @example 0
             */
            problems: number;
            /** @example 7f8091a2-b3c4-45d6-a7e8-f90a1b2c3d4e */
            statementId: string;
            /** @example 440600 */
            treatingCity: string;
        };
        AvailableActionDto: {
            /** @example accept */
            action: string;
            /**
             * @description Where
             * @example 440100
             */
            city: string;
            /**
             * @description Who performs it
             * @example administering
             * @enum {string}
             */
            performer: "applicant" | "receiving" | "administering";
        };
        BatchItemOutcomeDto: {
            /**
             * @description rejected: VALIDATION_FAILED (not a transport message), FORBIDDEN_CITY (another city's event), SERVICE_UNAVAILABLE (could not be committed now)
             * @example FORBIDDEN_CITY
             */
            code?: string;
            /** @example 440100 may deliver only its own events, this one's source is 440600 */
            detail?: string;
            /** @example data.nodeVersion: Required */
            reason?: string;
            /**
             * @description dead-lettered: the reason code (listed by GET /api/v1/admin/dead-letters)
             * @example SCHEMA_INVALID
             */
            reasonCode?: string;
            /**
             * @description Delivered (committed before this answer): applied, duplicate, ignored, dead-lettered. Not delivered, the sender retries it: rejected (not taken, see `code`), held (not attempted: an earlier message of its subject in this batch was not delivered)
             * @example applied
             * @enum {string}
             */
            status: "applied" | "duplicate" | "ignored" | "dead-lettered" | "rejected" | "held";
        };
        BookDto: {
            /**
             * @description The hospital’s city (another city)
             * @example 440600
             */
            hospitalCity: string;
            /** @example H44060400001 */
            hospitalCode: string;
            /** @description Clerks: the person; residents book for themselves */
            person?: components["schemas"]["BookingPersonDto"];
            /**
             * @description The slot (GET /medical/slots lists the other city’s)
             * @example 1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f
             */
            slotId: string;
        };
        BookingPageDto: {
            items: components["schemas"]["BookingViewDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        BookingPersonDto: {
            /** @example 440106195501010011 */
            idNumber: string;
            /** @example 陈老伯 */
            name: string;
        };
        BookingSlotDto: {
            /** @example 心血管内科 */
            department: string;
            /** @example 2027-01-11T01:00:00.000Z */
            startsAt: string;
        };
        BookingViewDto: {
            /** @example 2026-03-05T01:00:01.000Z */
            answeredAt: string | null;
            /**
             * @description When the booking was cancelled (its place is released)
             * @example null
             */
            cancelledAt: string | null;
            /** @example 2026-03-05T01:01:00.000Z */
            deadlineAt: string;
            /** @example 440600 */
            hospitalCity: string;
            /** @example H44060400001 */
            hospitalCode: string;
            /** @example 5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d */
            id: string;
            /** @description An answer after the timeout: recorded, the booking stays timed-out */
            lateAnswer: components["schemas"]["LateAnswerDto"] | null;
            /**
             * @description Why, in words (timed-out; withdrawn: the hospital’s reason)
             * @example null
             */
            reason: string | null;
            /**
             * @description MEDICAL_SLOT_FULL, MEDICAL_SLOT_NOT_FOUND, MEDICAL_BOOKING_EXPIRED (the hospital), MEDICAL_BOOKING_TIMED_OUT, or MEDICAL_SLOT_WITHDRAWN (停诊)
             * @example null
             */
            refusal: string | null;
            /** @example 2026-03-05T01:00:00.000Z */
            requestedAt: string;
            slot: components["schemas"]["BookingSlotDto"] | null;
            /** @example 1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f */
            slotId: string;
            /**
             * @example confirmed
             * @enum {string}
             */
            state: "pending" | "confirmed" | "refused" | "timed-out" | "cancelled" | "withdrawn";
            /**
             * @description 停诊: when the hospital withdrew the slot (its place is released)
             * @example null
             */
            withdrawnAt: string | null;
        };
        CalendarDto: {
            identity: components["schemas"]["CalendarIdentityDto"];
            official: components["schemas"]["CalendarYearDto"][];
            /**
             * @description How a year without a notice is counted (marked provisional)
             * @enum {string}
             */
            provisional: "statutory-holidays";
        };
        CalendarIdentityDto: {
            /**
             * @description SHA-256 of the canonical JSON of the official years
             * @example a3f…
             */
            hash: string;
            /**
             * @description The official years
             * @example 2025+2026
             */
            version: string;
        };
        CalendarRecomputeDto: {
            /** @description Cases held here whose due date moved */
            cases: components["schemas"]["DeadlineRecomputedDto"][];
            /**
             * @description Open remediations whose due date moved
             * @example 0
             */
            remediations: number;
        };
        CalendarYearDto: {
            /** @example 33 */
            holidays: number;
            /**
             * @example {
             *       "title": "国务院办公厅关于2026年部分节假日安排的通知",
             *       "date": "2025-11-04"
             *     }
             */
            notice: Record<string, never> | null;
            /** @example 6 */
            workdays: number;
            /** @example 2026 */
            year: number;
        };
        CalendarYearLoadedDto: {
            identity: components["schemas"]["CaseCalendarIdentityDto"];
            /**
             * @example provisional
             * @enum {string|null}
             */
            previous: "official" | "provisional" | null;
            recomputed: components["schemas"]["CalendarRecomputeDto"];
            /** @example 2027 */
            year: number;
        };
        CancelFilingDto: {
            /**
             * @description Default today
             * @example 2026-09-01
             */
            cancelledOn?: string;
        };
        CaseCalendarIdentityDto: {
            /** @description SHA-256 of the canonical JSON of the official years */
            hash: string;
            /** @example 2025+2026+2027 */
            version: string;
        };
        CaseDeadlineDto: {
            /**
             * @description Art. 32(4): receipt, the last day for a 补正 notice (5 working days), and acceptance (deemed from receipt when no timely notice)
             * @example {
             *       "receivedOn": "2026-09-30",
             *       "supplementNoticeDueOn": "2026-10-13",
             *       "acceptedOn": "2026-09-30",
             *       "deemed": true
             *     }
             */
            acceptance: Record<string, never> | null;
            /** @example true */
            calendarCovered: boolean;
            /** @example false */
            clockPaused: boolean;
            /**
             * @description False until accepted (or deemed accepted): the due dates are a projection
             * @example true
             */
            clockStarted: boolean;
            /** @example 10 */
            committedWorkingDays: number;
            /**
             * @description Decision due under the committed limit (承诺时限)
             * @example 2026-10-20
             */
            decisionDueDate: string | null;
            /**
             * @description Delivery due (10 working days after the decision)
             * @example null
             */
            deliveryDueDate: Record<string, never> | null;
            /**
             * @description Due date of the current stage
             * @example 2026-10-20
             */
            dueDate: string | null;
            /**
             * @description Art. 42: working days added by the one extension (10, or 15 for joint handling)
             * @example 0
             */
            extensionWorkingDays: number;
            /**
             * @description Decision due under the statutory limit (法定时限)
             * @example 2026-11-03
             */
            legalDueDate: string | null;
            /**
             * @description Statutory limit (法定时限): the item's, 45 for joint handling (行政许可法 art. 42)
             * @example 20
             */
            legalWorkingDays: number | null;
            /**
             * @description ≤ 3 working days left
             * @example false
             */
            nearDue: boolean;
            /** @example false */
            overdue: boolean;
            /** @example 0 */
            pausedWorkingDays: number;
            /**
             * @description Pauses (补正, special procedures)
             * @example []
             */
            pauses: Record<string, never>[];
            /**
             * @description Counted across a year without a State Council notice (statutory holidays only); recomputed when the notice is loaded
             * @example false
             */
            provisional: boolean;
            /** @example [] */
            provisionalYears: number[];
            /** @example 10 */
            remainingWorkingDays: number | null;
            /**
             * @example decision
             * @enum {string}
             */
            stage: "decision" | "delivery" | "closed";
            /**
             * @description Day the clock runs from (not counted): acceptance (行政许可法 art. 42), or until then the projection's start
             * @example 2026-09-30
             */
            startDate: string;
        };
        CaseDetailDto: {
            /**
             * @description 办理地
             * @example 440100
             */
            administeringCity: string;
            /**
             * @description ID number in full only for its owner
             * @example {
             *       "name": "李小红",
             *       "idNumber": "440***********002X",
             *       "sub": "fs-resident"
             *     }
             */
            applicant: Record<string, never>;
            /** @example 440600 */
            applicantCity: string;
            /**
             * @example [
             *       {
             *         "action": "accept",
             *         "performer": "administering",
             *         "city": "440100"
             *       }
             *     ]
             */
            availableActions: components["schemas"]["AvailableActionDto"][];
            /** @example 2026.1 */
            catalogueVersion: string;
            /** @example window */
            channel: string;
            /**
             * @example {
             *       "clerk": "gz-clerk",
             *       "hall": "GZ-TH-01",
             *       "expiresAt": "2026-09-30T03:00:00.000Z"
             *     }
             */
            claim: Record<string, never> | null;
            deadline: components["schemas"]["CaseDeadlineDto"];
            /** @example null */
            decision: Record<string, never> | null;
            /** @example null */
            delivery: Record<string, never> | null;
            /** @description 好差评 rating and its 追评, once given */
            evaluation: components["schemas"]["EvaluationDto"] | null;
            /** @example 2026-09-30T01:00:00.000Z */
            filedAt: string;
            /** @example GZ-TH-01 */
            hall: string | null;
            /** @example true */
            heldHere: boolean;
            /**
             * @description The city that acts next
             * @example 440100
             */
            holderCity: string | null;
            /** @example 3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c */
            id: string;
            /**
             * @example {
             *       "receiving": "XK00201000440600001",
             *       "administering": "XK00201000440100001"
             *     }
             */
            implementationCodes: Record<string, never>;
            /** @example XK00201000 */
            itemCode: string;
            /**
             * @example {
             *       "zh": "以经常居住地登记户口（跨市户口迁移）",
             *       "en": "Household registration at the habitual residence"
             *     }
             */
            itemName: Record<string, never>;
            materials: components["schemas"]["CaseMaterialViewDto"][];
            /**
             * @example proxy
             * @enum {string}
             */
            mode: "online" | "proxy" | "joint";
            /** @description Internal notes of this city (clerks and supervisors only) */
            notes?: components["schemas"]["CaseNoteDto"][];
            /** @example 440600 */
            originCity: string;
            /**
             * @example null
             * @enum {string|null}
             */
            outcome: "approved" | "denied" | null;
            /**
             * @example [
             *       "440600",
             *       "440100"
             *     ]
             */
            participants: string[];
            /**
             * @description 收件地
             * @example 440600
             */
            receivingCity: string;
            requests: components["schemas"]["CaseRequestViewDto"][];
            /** @example true */
            requiresIntake: boolean;
            /**
             * @example forwarded
             * @enum {string}
             */
            state: "submitted" | "returned" | "forwarded" | "supplement-requested" | "not-accepted" | "accepted" | "under-review" | "special-procedure" | "decided" | "delivered" | "completed" | "withdrawn";
            /** @example null */
            supplement: Record<string, never> | null;
            /**
             * @example {
             *       "committed": 10,
             *       "legal": 20
             *     }
             */
            timeLimits: Record<string, never>;
            timeline: components["schemas"]["TimelineEntryDto"][];
            /** @example 2026-09-30T02:00:00.000Z */
            updatedAt: string;
            /**
             * @description Case version = number of timeline entries; also the ETag
             * @example 2
             */
            version: number;
        };
        CaseMaterialViewDto: {
            /**
             * @description file, stored file or credential; null when missing
             * @example {
             *       "kind": "credential",
             *       "credentialType": "ID_CARD",
             *       "credentialId": "ID-1",
             *       "verification": "pending"
             *     }
             */
            evidence: Record<string, never> | null;
            /** @example id-card */
            materialId: string;
            /**
             * @example {
             *       "zh": "居民身份证",
             *       "en": "Resident identity card"
             *     }
             */
            name: Record<string, never>;
            /** @example true */
            required: boolean;
            /**
             * @example provided
             * @enum {string}
             */
            status: "provided" | "missing" | "supplemented";
        };
        CaseNoteDto: {
            /** @example 2026-09-30T03:00:00.000Z */
            at: string;
            /** @example gz-clerk */
            author: string;
            /** @example GZ-TH-01 */
            hall: string | null;
            /**
             * @description Timeline entry the note belongs to
             * @example 3
             */
            seq: number | null;
            /** @example 材料已核对 */
            text: string;
        };
        CasePageDto: {
            items: components["schemas"]["CaseSummaryDto"][];
            /**
             * @description Opaque; pass as cursor for the next page
             * @example null
             */
            nextCursor: string | null;
        };
        CaseRequestViewDto: {
            /** @example 2026-09-30T03:00:00.000Z */
            createdAt: string;
            /** @example 9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a */
            id: string;
            /**
             * @example withdraw
             * @enum {string}
             */
            kind: "withdraw";
            /** @example null */
            resolvedAt: string | null;
            /** @example pending */
            status: string;
        };
        CaseSummaryDto: {
            /**
             * @description 办理地
             * @example 440100
             */
            administeringCity: string;
            /**
             * @description ID number in full only for its owner
             * @example {
             *       "name": "李小红",
             *       "idNumber": "440***********002X",
             *       "sub": "fs-resident"
             *     }
             */
            applicant: Record<string, never>;
            /** @example 440600 */
            applicantCity: string;
            /**
             * @example [
             *       {
             *         "action": "accept",
             *         "performer": "administering",
             *         "city": "440100"
             *       }
             *     ]
             */
            availableActions: components["schemas"]["AvailableActionDto"][];
            /** @example window */
            channel: string;
            /**
             * @example {
             *       "clerk": "gz-clerk",
             *       "hall": "GZ-TH-01",
             *       "expiresAt": "2026-09-30T03:00:00.000Z"
             *     }
             */
            claim: Record<string, never> | null;
            deadline: components["schemas"]["CaseDeadlineDto"];
            /** @example 2026-09-30T01:00:00.000Z */
            filedAt: string;
            /** @example GZ-TH-01 */
            hall: string | null;
            /** @example true */
            heldHere: boolean;
            /**
             * @description The city that acts next
             * @example 440100
             */
            holderCity: string | null;
            /** @example 3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c */
            id: string;
            /** @example XK00201000 */
            itemCode: string;
            /**
             * @example {
             *       "zh": "以经常居住地登记户口（跨市户口迁移）",
             *       "en": "Household registration at the habitual residence"
             *     }
             */
            itemName: Record<string, never>;
            /**
             * @example proxy
             * @enum {string}
             */
            mode: "online" | "proxy" | "joint";
            /**
             * @example null
             * @enum {string|null}
             */
            outcome: "approved" | "denied" | null;
            /**
             * @description 收件地
             * @example 440600
             */
            receivingCity: string;
            /**
             * @example forwarded
             * @enum {string}
             */
            state: "submitted" | "returned" | "forwarded" | "supplement-requested" | "not-accepted" | "accepted" | "under-review" | "special-procedure" | "decided" | "delivered" | "completed" | "withdrawn";
            /** @example 2026-09-30T02:00:00.000Z */
            updatedAt: string;
            /**
             * @description Case version = number of timeline entries; also the ETag
             * @example 2
             */
            version: number;
        };
        CatalogueErrorDto: {
            /**
             * @example CATALOGUE_ITEM_NOT_FOUND
             * @enum {string}
             */
            code: "CATALOGUE_ITEM_NOT_FOUND" | "CATALOGUE_VERSION_NOT_FOUND" | "CATALOGUE_INVALID_QUERY" | "CATALOGUE_INVALID_CURSOR" | "CATALOGUE_NO_LEGAL_LIMIT" | "CATALOGUE_CALENDAR_NOT_COVERED" | "CATALOGUE_CALENDAR_INVALID";
            /** @example No item GG99999000 in catalogue version 2026.1 */
            message: string;
            /** @example 404 */
            statusCode: number;
        };
        CheckpointResultDto: {
            /** @example 2026-11-27T09:00:00.000Z */
            occurredAt: string;
            /** @example 12 */
            sequence: number;
        };
        CivilRecordDto: {
            /**
             * @description Date of death, or start of the prison term
             * @example 2026-10-15
             */
            eventDate: string;
            /** @example 440106195201010019 */
            idNumber: string;
            /**
             * @example death-records
             * @enum {string}
             */
            source: "death-records" | "prison-records";
        };
        ClaimDto: {
            /**
             * @description true: give the claim up
             * @example false
             */
            release?: boolean;
            /**
             * @description How long the claim holds
             * @default 30
             * @example 30
             */
            ttlMinutes: number;
        };
        ClearingApplicationPageDto: {
            items: components["schemas"]["ClearingApplicationViewDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        ClearingApplicationTotalsDto: {
            /**
             * @description acct_pay, fen
             * @example 5000
             */
            acctFen: number;
            /**
             * @description psn_cash_pay, fen (paid by the patient at the counter)
             * @example 733900
             */
            cashFen: number;
            /**
             * @description What the agency owes the hospital: fund + account, fen
             * @example 1203100
             */
            claimFen: number;
            /**
             * @description Settlements less reversals in the period
             * @example 2
             */
            count: number;
            /**
             * @description fund_pay_sumamt, fen
             * @example 1198100
             */
            fundFen: number;
            /**
             * @description medfee_sumamt, fen
             * @example 1937000
             */
            medfeeFen: number;
        };
        ClearingApplicationViewDto: {
            /** @example 2026-04-01T01:00:00.000Z */
            appliedAt: string;
            /** @example 2026-03-01 */
            beginOn: string;
            /**
             * @description The same sums per insured city
             * @example {
             *       "440100": {
             *         "count": 2,
             *         "medfeeFen": 1937000,
             *         "fundFen": 1198100,
             *         "acctFen": 5000,
             *         "cashFen": 733900,
             *         "claimFen": 1203100
             *       }
             *     }
             */
            byInsuredCity: {
                [key: string]: components["schemas"]["ClearingApplicationTotalsDto"];
            };
            /** @example 2026-03-31 */
            endOn: string;
            /** @example H44060000001 */
            hospitalCode: string;
            /**
             * @description clr_appy_evt_id
             * @example 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f
             */
            id: string;
            /** @example H44060000001202604010900000001 */
            msgid: string;
            /** @example null */
            processedAt: string | null;
            /** @example null */
            reversalMsgid: string | null;
            /** @example null */
            reversedAt: string | null;
            /**
             * @example applied
             * @enum {string}
             */
            state: "applied" | "processed" | "reversed";
            /** @description The agency’s sums from its settlements of the period */
            totals: components["schemas"]["ClearingApplicationTotalsDto"];
        };
        ClerkStepDto: {
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
        };
        CloseInvestigationDto: {
            /**
             * @description confirmed: the record is the person's; unfounded: it is not
             * @enum {string}
             */
            outcome: "confirmed" | "unfounded";
            /**
             * @description Sent to the other city: no ID numbers
             * @example 死亡登记核实无误，已停发
             */
            reason: string;
        };
        CommitmentDto: {
            /** @example 8 */
            chapter: number;
            /** @example 共享优质均衡普惠的公共服务 */
            chapterTitle: string;
            /** @example P8-2-04 */
            id: string;
            /**
             * @description Codes of the items implementing it
             * @example [
             *       "GG00105000"
             *     ]
             */
            items: string[];
            /** @example 第八章 第二节 */
            location: string;
            /** @example 同级医疗机构检查检验结果互认 */
            quote: string;
            /** @example Government-internal cooperation; no application by a resident */
            reason?: string;
            /**
             * @example item
             * @enum {string}
             */
            scope: "item" | "out-of-scope";
            /** @example 2 */
            section: number;
            /** @example 强化医疗卫生合作 */
            sectionTitle: string;
            /** @example 深化医疗服务政策对接 */
            topic: string;
        };
        ConsentViewDto: {
            /** @example 2026-06-30T16:00:00.000Z */
            expiresAt: string;
            /** @example 2026-03-05T01:00:00.000Z */
            grantedAt: string;
            /** @example 440600 */
            hospitalCity: string;
            /** @example H440600000001 */
            hospitalCode: string;
            /** @example 4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c */
            id: string;
            /** @example treatment */
            purpose: string;
            /** @example null */
            revokedAt: string | null;
            /**
             * @example valid
             * @enum {string}
             */
            state: "valid" | "expired" | "revoked";
        };
        ContestDto: {
            answer: components["schemas"]["AnswerDto"] | null;
            /** @example 与参保地记录不符 */
            note: string;
            /**
             * @example AMOUNT_MISMATCH
             * @enum {string}
             */
            reason: "NOT_INSURED" | "NOT_REGISTERED" | "DUPLICATE_CLAIM" | "OUT_OF_CATALOGUE" | "AMOUNT_MISMATCH" | "OTHER";
        };
        ContestItemDto: {
            /**
             * @example claim
             * @enum {string}
             */
            kind: "claim" | "reversal";
            /** @example 与参保地记录不符 */
            note: string;
            /**
             * @example AMOUNT_MISMATCH
             * @enum {string}
             */
            reason: "NOT_INSURED" | "NOT_REGISTERED" | "DUPLICATE_CLAIM" | "OUT_OF_CATALOGUE" | "AMOUNT_MISMATCH" | "OTHER";
            /** @example 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a */
            settlementId: string;
        };
        ContributionReportDto: {
            /** @description One line per person, scheme and month (at most 500) */
            reports: components["schemas"]["ContributionReportLineDto"][];
        };
        ContributionReportLineDto: {
            /**
             * @description 缴费基数 in fen
             * @example 800000
             */
            baseFen: number;
            /**
             * @description 单位缴费 in fen
             * @example 128000
             */
            employerFen: number;
            /**
             * @description The employer's 统一社会信用代码: the one the API key is bound to
             * @example 91440101MA5CXXXX0Q
             */
            employerUscc: string;
            /**
             * @description 公民身份号码 of the insured person
             * @example 440106199001010013
             */
            idNumber: string;
            /**
             * @description The contribution month (YYYY-MM), not in the future
             * @example 2026-11
             */
            month: string;
            /** @example 陈小明 */
            name: string;
            /**
             * @description Credited to the personal account, in fen (employee pension only; else 0)
             * @example 64000
             */
            personalAccountFen: number;
            /**
             * @description 个人缴费 in fen
             * @example 64000
             */
            personalFen: number;
            /**
             * @example employee-pension
             * @enum {string}
             */
            scheme: "employee-pension" | "employee-medical" | "unemployment" | "work-injury" | "maternity" | "resident-pension";
        };
        ContributionReportResultDto: {
            accepted: number;
            inserted: number;
            replaced: number;
        };
        CreatePresentationDto: {
            /** @example 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a */
            credentialId: string;
            /**
             * @description What the verifier may use it for (shown in your access log)
             * @example 开立账户核验居住证
             */
            purpose: string;
            /**
             * @description Default true: usable once. false: any number of times until it expires
             * @example true
             */
            singleUse?: boolean;
            /**
             * @description Lifetime in seconds (default CREDENTIAL_PRESENTATION_TTL_SECONDS, at most CREDENTIAL_PRESENTATION_MAX_TTL_SECONDS)
             * @example 600
             */
            ttlSeconds?: number;
            verifier: components["schemas"]["PresentationVerifierDto"];
        };
        CreateWebhookSubscriptionDto: {
            /** @example 门诊结算通知 */
            description?: string;
            /**
             * @description Declared event types (GET /webhooks/event-types)
             * @example [
             *       "affairs.case.status-changed"
             *     ]
             */
            eventTypes: string[];
            /**
             * @description Only events of these catalogue items (base or implementation codes; omit for all). Naming items also lets a partner with cases:read read those items' cases.
             * @example [
             *       "XK00201000"
             *     ]
             */
            itemCodes?: string[];
            /**
             * @description https:// to a public address; loopback (and then http://) only where explicitly allowed (WEBHOOK_ALLOW_LOOPBACK); private, link-local and metadata addresses never
             * @example https://partner.example.cn/guangfo/webhooks
             */
            url: string;
        };
        CredentialDto: {
            /**
             * @description The signed document to present: fields + proof { type: SM2-SM3, keyId, signature (DER, base64) }. Only in a full view (it holds the full ID number).
             * @example {
             *       "format": "guangfo.credential.v1",
             *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
             *       "number": "1144010000750200162026000000426",
             *       "type": {
             *         "code": "RESIDENCE_PERMIT",
             *         "name": "居住证"
             *       },
             *       "holder": {
             *         "name": "陈小明",
             *         "code": "440106199001010013",
             *         "codeType": "111"
             *       },
             *       "issuer": {
             *         "name": "广州市公安局",
             *         "code": "114401000075020016",
             *         "city": "440100"
             *       },
             *       "issueDate": "2026-11-27",
             *       "validFrom": "2026-11-27",
             *       "validTo": "2027-11-26",
             *       "proof": {
             *         "type": "SM2-SM3",
             *         "keyId": "440100-3f9a0c1d2e4b5a69",
             *         "signature": "MEUCIQD…base64 DER…"
             *       }
             *     }
             */
            document?: {
                [key: string]: unknown;
            };
            /** @description A natural person's ID number is masked (110***********002X) except for the holder, the issue response, and staff reading with a stated purpose */
            holder: components["schemas"]["HolderViewDto"];
            /** @example gz-resident */
            holderAccount: string | null;
            /** @example 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a */
            id: string;
            /** @example 2026-11-27T08:00:00.000Z */
            issuedAt: string;
            /** @example 2026-11-27 */
            issueDate: string;
            issuer: components["schemas"]["IssuerRefDto"];
            /** @example 440100-3f9a0c1d2e4b5a69 */
            keyId: string;
            /**
             * @description 证照编号: issuing body USCC + year + 8-digit sequence + ISO 7064 MOD 37,36 check character
             * @example 1144010000750200162026000000426
             */
            number: string;
            /**
             * @example valid
             * @enum {string}
             */
            status: "valid" | "suspended" | "revoked" | "expired";
            /** @example null */
            statusChangedAt: Record<string, never> | null;
            /**
             * @example null
             * @enum {string|null}
             */
            statusReasonCode: "ISSUED_IN_ERROR" | "SUPERSEDED" | "CANCELLED" | "WITHDRAWN" | "UNDER_REVIEW" | "REPORTED_LOST" | "REINSTATED" | "OTHER" | null;
            type: components["schemas"]["TypeRefDto"];
            /** @example 2026-11-27 */
            validFrom: string;
            /** @example 2027-11-26 */
            validTo: string | null;
        };
        CredentialListDto: {
            items: components["schemas"]["CredentialDto"][];
        };
        CredentialRefDto: {
            /**
             * @description The signed credential as the holder presents it (from their wallet: GET /api/v1/credentials). Verified at filing against this city's replicated issuer keys and status, whichever city issued it.
             * @example {
             *       "format": "guangfo.credential.v1",
             *       "id": "0b9c…",
             *       "number": "…",
             *       "type": {
             *         "code": "RESIDENCE_PERMIT",
             *         "name": "居住证"
             *       },
             *       "holder": {
             *         "name": "李小红",
             *         "code": "44060419920505002X",
             *         "codeType": "111"
             *       },
             *       "issuer": {
             *         "name": "佛山市公安局",
             *         "code": "…",
             *         "city": "440600"
             *       },
             *       "proof": {
             *         "type": "SM2-SM3",
             *         "keyId": "440600-…",
             *         "signature": "…"
             *       }
             *     }
             */
            document: {
                [key: string]: unknown;
            };
            /**
             * @description The credential id or number (证照编号)
             * @example HOUSEHOLD_REGISTER-440600-000123
             */
            id: string;
            /**
             * @description Credential type code; must be one the catalogue lets replace this material
             * @example HOUSEHOLD_REGISTER
             */
            type: string;
        };
        CredentialsProblemDto: {
            /**
             * @example CREDENTIAL_NOT_FOUND
             * @enum {string}
             */
            code: "CREDENTIAL_NOT_FOUND" | "CREDENTIAL_TYPE_UNKNOWN" | "CREDENTIAL_INVALID" | "CREDENTIAL_NO_KEY_FOR_TYPE" | "CREDENTIAL_TRANSITION_NOT_ALLOWED" | "CREDENTIAL_NOT_ISSUED_BY_CALLER" | "CREDENTIAL_IDEMPOTENCY_CONFLICT" | "CREDENTIAL_IDEMPOTENCY_KEY_INVALID" | "CREDENTIAL_NOT_PRESENTABLE" | "CREDENTIAL_ISSUER_UNBOUND" | "CREDENTIAL_ISSUER_MISMATCH" | "CREDENTIAL_ISSUER_NOT_AUTHORISED" | "CREDENTIAL_PURPOSE_NOT_PERMITTED" | "VERIFICATION_INPUT_INVALID" | "PRESENTATION_TTL_TOO_LONG" | "PRESENTATION_VERIFIER_UNKNOWN" | "ISSUER_KEY_NOT_FOUND" | "ISSUER_KEY_TRANSITION_NOT_ALLOWED" | "VALIDATION_FAILED" | "UNAUTHENTICATED" | "FORBIDDEN_ROLE" | "FORBIDDEN_SCOPE" | "FORBIDDEN_CITY";
            /** @example no credential 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a issued by 440100 */
            detail: string;
            /** @example 404 */
            status: number;
            /** @example 电子证照不存在 / No such credential */
            title: string;
            /** @example No such credential */
            titleEn: string;
            /** @example 电子证照不存在 */
            titleZh: string;
            /** @example https://guangfo.gov.cn/problems/credential-not-found */
            type: string;
        };
        CredentialSummaryDto: {
            /** @description Masked when the holder is a natural person */
            holder: components["schemas"]["SummaryHolderDto"];
            /** @example 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a */
            id: string;
            /** @example 2026-11-27 */
            issueDate: string;
            issuer: components["schemas"]["SummaryIssuerDto"];
            /** @example 440100-3f9a0c1d2e4b5a69 */
            keyId: string;
            /** @example 1144010000750200162026000000426 */
            number: string;
            type: components["schemas"]["SummaryTypeDto"];
            /** @example 2026-11-27 */
            validFrom: string;
            /** @example 2027-11-26 */
            validTo: string | null;
        };
        CredentialTypeDto: {
            /** @example RESIDENCE_PERMIT */
            code: string;
            /** @example 公安机关 */
            issuer: string;
            /**
             * @example {
             *       "zh": "居住证",
             *       "en": "Residence permit"
             *     }
             */
            name: components["schemas"]["LocalizedNameDto"];
        };
        CrossCheckDto: {
            /**
             * @description The city whose death and prison records this city's benefit roll is matched against
             * @example 440600
             */
            city: string;
        };
        CumulativeInsuredPartDto: {
            /**
             * @description The fund’s annual cap of the insured city’s policy; null for the account
             * @example 60000000
             */
            capFen: number | null;
            /**
             * @description Allowance the insured city granted this city (cumulative), fen
             * @example 5000000
             */
            grantedFen: number;
        };
        CumulativePotDto: {
            /**
             * @description Not known here: what the person used in the insured city or elsewhere is at most cap − granted here (null without a cap)
             * @example 55000000
             */
            elsewhereAtMostFen: number | null;
            /** @description Known from the insured city (its policy and its grant) */
            insuredCity: components["schemas"]["CumulativeInsuredPartDto"];
            /**
             * @example hifp
             * @enum {string}
             */
            pot: "hifp" | "acct";
            /** @description This city’s own knowledge */
            treatingCity: components["schemas"]["CumulativeTreatingPartDto"];
        };
        CumulativeTreatingPartDto: {
            /**
             * @description Left of the grant here, fen
             * @example 4991900
             */
            availableFen: number;
            /**
             * @description Consumed by this city’s settlements, fen
             * @example 8100
             */
            consumedFen: number;
            /**
             * @description Given back to the insured city unused (cumulative), fen
             * @example 0
             */
            returnedFen: number;
            /**
             * @description A top-up is asked for and not yet granted
             * @example false
             */
            topUpRequested: boolean;
        };
        CumulativeViewDto: {
            /** @example 440100 */
            insuredCity: string;
            /**
             * @description psn_no
             * @example 7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d
             */
            personId: string;
            /**
             * @description The insured city’s policy version the cap comes from
             * @example gz-demo-2026
             */
            policyVersion: string | null;
            pots: components["schemas"]["CumulativePotDto"][];
            /** @description This city’s hospitals’ live settlements of the person in the year */
            settledHere: components["schemas"]["SettledHereDto"];
            /** @example 2026 */
            year: number;
        };
        DayTotalsDto: {
            /**
             * @description acct_pay, fen
             * @example 0
             */
            acctFen: number;
            /**
             * @description psn_cash_pay, fen
             * @example 670000
             */
            cashFen: number;
            /**
             * @description Settlements less reversals of the day (fixmedins_setl_cnt)
             * @example 1
             */
            count: number;
            /**
             * @description fund_pay_sumamt, fen
             * @example 1190000
             */
            fundFen: number;
            /**
             * @description medfee_sumamt, fen
             * @example 1860000
             */
            medfeeFen: number;
        };
        DeadlineDto: {
            /**
             * @example legal
             * @enum {string}
             */
            basis: "legal" | "committed";
            /** @example 2025-09-30 */
            deadline: string;
            /** @example XK00101000 */
            itemCode: string;
            /** @example 0 */
            pausedWorkingDays: number;
            /**
             * @description True when the count crosses a year without a State Council notice: counted on the statutory holidays of the 放假办法 only, recomputed once the notice is loaded
             * @example false
             */
            provisional: boolean;
            /** @example [] */
            provisionalYears: number[];
            /** @example 2025-09-26 */
            start: string;
            /** @example Asia/Shanghai */
            timeZone: string;
            /** @example 2026.1 */
            version: string;
            /** @example 3 */
            workingDays: number;
        };
        DeadlineRecomputedDto: {
            /** Format: uuid */
            caseId: string;
            /** @example 2027-01-14 */
            dueDate: string | null;
            /** @example 2027-01-13 */
            previousDueDate: string | null;
        };
        DeadlineRequestDto: {
            /**
             * @default committed
             * @example legal
             * @enum {string}
             */
            basis: "legal" | "committed";
            /** @description Intervals when the clock stops (补正, 听证, 检验检测…) */
            pauses?: components["schemas"]["PauseDto"][];
            /**
             * @description Start: a date (Asia/Shanghai) or an ISO date-time; the start day itself is not counted
             * @example 2025-09-26
             */
            start: string;
        };
        DecideDto: {
            /**
             * @description Certificate or decision number
             * @example GZ-HK-2026-000123
             */
            certificateNo?: string;
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /**
             * @description 准予 (approved) / 不予 (denied)
             * @example approved
             * @enum {string}
             */
            outcome: "approved" | "denied";
            /** @example 住所证明与实际居住地不符 */
            reason?: string;
            /**
             * @description Required for a denial
             * @example REQUIREMENTS_NOT_MET
             * @enum {string}
             */
            reasonCode?: "REQUIREMENTS_NOT_MET" | "STATUTORY_PROHIBITION" | "PUBLIC_INTEREST" | "HEARING_FINDINGS" | "OTHER";
        };
        DeclaredClearingTotalsDto: {
            /**
             * @description acct_pay, fen
             * @example 5000
             */
            acctFen?: number;
            /**
             * @description psn_cash_pay, fen
             * @example 733900
             */
            cashFen?: number;
            /**
             * @description Settlements less reversals (fixmedins_setl_cnt)
             * @example 2
             */
            count?: number;
            /**
             * @description fund_pay_sumamt, fen
             * @example 1198100
             */
            fundFen?: number;
            /**
             * @description medfee_sumamt, fen
             * @example 1937000
             */
            medfeeFen?: number;
        };
        DeliverDto: {
            /** @example EMS */
            carrier?: string;
            /**
             * @description window-pickup 窗口领取 | mail 邮寄 | electronic 电子送达
             * @example mail
             * @enum {string}
             */
            method: "window-pickup" | "mail" | "electronic";
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /**
             * @description Required for mail
             * @example EMS1234567890CN
             */
            trackingNumber?: string;
        };
        DeliveryBatchAnswerDto: {
            /** @description One outcome per message, in the order sent */
            outcomes: components["schemas"]["BatchItemOutcomeDto"][];
        };
        DeliveryBatchDto: {
            /** @description The messages in the sender's outbox order (1 to 64; more: 413 PAYLOAD_TOO_LARGE). Each is checked on its own: one that is not a transport message is answered `rejected` (VALIDATION_FAILED), the others go on */
            messages: components["schemas"]["TransportMessageDto"][];
        };
        DeliveryOutcomeDto: {
            /** @example data.nodeVersion: Required */
            reason?: string;
            /**
             * @description dead-lettered: the reason code (listed by GET /api/v1/admin/dead-letters)
             * @example SCHEMA_INVALID
             */
            reasonCode?: string;
            /**
             * @description What the receiving node did, committed before this answer
             * @example applied
             * @enum {string}
             */
            status: "applied" | "duplicate" | "ignored" | "dead-lettered";
        };
        DemoTokenRequestDto: {
            /**
             * @description A demo user of the sandbox (see README)
             * @example fs-resident
             */
            username: string;
        };
        DetailMismatchDto: {
            /**
             * @example [
             *       "fundFen"
             *     ]
             */
            fields?: string[];
            /**
             * @example reversal
             * @enum {string}
             */
            kind: "settlement" | "reversal";
            /**
             * @example MISSING_AT_HOSPITAL
             * @enum {string}
             */
            reason: "MISSING_AT_AGENCY" | "MISSING_AT_HOSPITAL" | "AMOUNT_MISMATCH";
            /** @example 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a */
            settlementId: string;
        };
        DetailReconciliationDto: {
            /** @example 2026-03-05 */
            day: string;
            /**
             * @description 3202 detail file inline: CSV, header line, amounts in yuan; kind settlement | reversal (the request body is at most 1 MB: larger files go through 9101, then fileId)
             * @example setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay
             *     9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a,settlement,18600.00,11900.00,0.00,6700.00
             */
            file?: string;
            /**
             * @description The file id (file_qury_no) of the detail file uploaded with 9101 (POST /medical/files); instead of file
             * @example 0f1e2d3c-4b5a-4697-8877-665544332211
             */
            fileId?: string;
        };
        EligibilityConfirmationDto: {
            /** @description Clerks: the retiree (residents confirm themselves) */
            idNumber?: string;
            /** @enum {string} */
            method: "face-recognition" | "in-person" | "data-comparison";
            /**
             * @description The city that pays the pension
             * @example 440100
             */
            payingCity: string;
        };
        EmployerBindingDto: {
            /** @example 91440101MA5C12345E */
            employerUscc: string;
            /** @example 广州示范制造有限公司 */
            name: string;
            /**
             * @description A partner API key of this city
             * @example demo-employer-gz
             */
            partnerId: string;
        };
        EvaluateDto: {
            /** @example 窗口服务热情，办理很快 */
            comment?: string;
            /**
             * @description 好差评: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (1–2 open a remediation)
             * @example 5
             */
            rating: number;
        };
        EvaluationDto: {
            /** @example 等待时间较长 */
            comment: string | null;
            /** @example 2026-10-09T03:00:00.000Z */
            evaluatedAt: string;
            /** @description 追评 (once, after the first rating) */
            followUp: components["schemas"]["FollowUpEvaluationDto"] | null;
            /** @example dissatisfied */
            level: string;
            /** @example 2 */
            rating: number;
        };
        ExtendDto: {
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /** @example 需现场核实多处住所信息，经本机关负责人批准延长十个工作日 */
            reason: string;
        };
        FeeLineDto: {
            /**
             * @description Treating city catalogue code (med_list_codg)
             * @example A-001
             */
            code: string;
            /** @example 1 */
            lineNo: number;
            /** @example 阿莫西林胶囊 */
            name: string;
            /** @example 2 */
            quantity: number;
            /**
             * @description Unit price, fen
             * @example 1500
             */
            unitPriceFen: number;
        };
        FeeLinesDto: {
            lines: components["schemas"]["FeeLineDto"][];
        };
        FileCaseDto: {
            /**
             * @description 办理地: the city whose authority decides
             * @example 440100
             */
            administeringCity: string;
            /** @description Clerks at a window: required. Residents: leave out (the applicant is the verified identity of the token); if sent it must be that identity. */
            applicant?: components["schemas"]["ApplicantDto"];
            /**
             * @description The applicant's own city (户籍/参保/持证地, the route's `from`). Residents: always their city. Clerks: default this city.
             * @example 440600
             */
            applicantCity?: string;
            /**
             * @description Default: window for clerks, online for residents
             * @example window
             * @enum {string}
             */
            channel?: "window" | "online" | "self-service";
            /**
             * @description Catalogue item: base code (基本编码) or implementation code (实施编码)
             * @example XK00201000
             */
            itemCode: string;
            /**
             * @description Every required material of the item, provided or explicitly `missing: true`; optional ones may be left out
             * @example [
             *       {
             *         "materialId": "household-register",
             *         "file": {
             *           "fileName": "hukou.pdf",
             *           "mediaType": "application/pdf",
             *           "sizeBytes": 92311,
             *           "sha256": "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
             *         }
             *       },
             *       {
             *         "materialId": "id-card",
             *         "file": {
             *           "fileName": "id-card.jpg",
             *           "mediaType": "image/jpeg",
             *           "sizeBytes": 183220,
             *           "sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
             *         }
             *       },
             *       {
             *         "materialId": "residence-permit",
             *         "fileId": "5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f"
             *       },
             *       {
             *         "materialId": "home",
             *         "file": {
             *           "fileName": "lease.pdf",
             *           "mediaType": "application/pdf",
             *           "sizeBytes": 482113,
             *           "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
             *         }
             *       },
             *       {
             *         "materialId": "contributions",
             *         "missing": true
             *       }
             *     ]
             */
            materials: components["schemas"]["MaterialSubmissionDto"][];
            /**
             * @description online 全程网办 | proxy 异地代收代办 | joint 多地联办; must be allowed by the item's route
             * @example proxy
             * @enum {string}
             */
            mode: "online" | "proxy" | "joint";
            /**
             * @description Internal note of the filing clerk; stays in this city
             * @example 申请人现场出示身份证原件
             */
            note?: string;
        };
        FileMetadataDto: {
            /** @example household-register.pdf */
            fileName: string;
            /** @example application/pdf */
            mediaType: string;
            /**
             * @description SHA-256 of the bytes, lower-case hex
             * @example 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
             */
            sha256: string;
            /** @example 482113 */
            sizeBytes: number;
        };
        FileUploadedDto: {
            /** @example 户口簿.pdf */
            fileName: string;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            mediaType: "application/pdf" | "image/jpeg" | "image/png" | "application/ofd";
            /** @example 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 */
            sha256: string;
            /** @example 1048576 */
            sizeBytes: number;
        };
        FilingPageDto: {
            items: components["schemas"]["FilingViewDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        FilingViewDto: {
            /** @example null */
            cancelledOn: string | null;
            /** @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d */
            id: string;
            /** @example 440100 */
            insuredCity: string;
            /**
             * @example resettled-retiree
             * @enum {string}
             */
            kind: "resettled-retiree" | "long-term-resident" | "resident-worker" | "referral" | "emergency" | "other-temporary";
            /** @example false */
            late: boolean;
            person: components["schemas"]["MaskedPersonDto"];
            /** @example 7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 */
            personId: string;
            /** @example 2026-03-02T01:00:00.000Z */
            recordedAt: string;
            /** @example 440600 */
            treatingCity: string;
            /** @example 2026-03-02 */
            validFrom: string;
            /** @example null */
            validTo: string | null;
        };
        FollowUpEvaluationDto: {
            /** @example 整改后问题已解决 */
            comment: string | null;
            /** @example 2026-10-20T03:00:00.000Z */
            followedUpAt: string;
            /** @example satisfied */
            level: string;
            /** @example 4 */
            rating: number;
        };
        GrantConsentDto: {
            /**
             * @description The consent ends at this instant
             * @example 2026-06-30T16:00:00.000Z
             */
            expiresAt: string;
            /**
             * @description The hospital’s city (another city)
             * @example 440600
             */
            hospitalCity: string;
            /**
             * @description The hospital’s institution code
             * @example H440600000001
             */
            hospitalCode: string;
            /**
             * @description Purpose of use, a short code (e.g. treatment, referral, emergency)
             * @example treatment
             */
            purpose: string;
        };
        HealthRecordAccessEntryDto: {
            /** @example 2026-03-05T01:30:00.000Z */
            at: string;
            /** @example 4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c */
            consentId: string | null;
            /** @example 440600 */
            hospitalCity: string;
            /** @example H440600000001 */
            hospitalCode: string;
            /** @example 佛山示范医院 */
            hospitalName: string;
            /**
             * @example shared
             * @enum {string}
             */
            outcome: "shared" | "refused";
            /** @example treatment */
            purpose: string;
            /**
             * @example null
             * @enum {string|null}
             */
            refusal: "MEDICAL_CONSENT_MISSING" | "MEDICAL_CONSENT_EXPIRED" | "MEDICAL_CONSENT_REVOKED" | "MEDICAL_HEALTH_RECORD_MISSING" | null;
            /** @example 3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b */
            requestId: string;
        };
        HealthRecordAccessPageDto: {
            items: components["schemas"]["HealthRecordAccessEntryDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        HealthRequestViewDto: {
            /** @example 2026-03-05T01:30:01.000Z */
            answeredAt: string | null;
            /** @example 2026-06-30T16:00:00.000Z */
            consentExpiresAt: string | null;
            /** @example 3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b */
            id: string;
            /** @example 440100 */
            patientCity: string;
            /** @example treatment */
            purpose: string;
            /**
             * @example null
             * @enum {string|null}
             */
            refusal: "MEDICAL_CONSENT_MISSING" | "MEDICAL_CONSENT_EXPIRED" | "MEDICAL_CONSENT_REVOKED" | "MEDICAL_HEALTH_RECORD_MISSING" | null;
            /** @example 2026-03-05T01:30:00.000Z */
            requestedAt: string;
            /**
             * @example shared
             * @enum {string}
             */
            state: "pending" | "shared" | "refused";
            /** @description While the consent it was shared under lasts */
            summary: components["schemas"]["HealthSummaryDto"] | null;
        };
        HealthSummaryDto: {
            /**
             * @example [
             *       "青霉素"
             *     ]
             */
            allergies: string[];
            /** @example A+ */
            bloodType?: string | null;
            /**
             * @example [
             *       "高血压"
             *     ]
             */
            conditions: string[];
            /**
             * @example [
             *       "氨氯地平 5mg qd"
             *     ]
             */
            medications: string[];
            /** @example 2026-02-20 */
            updatedOn: string;
        };
        HolderDto: {
            /**
             * @description 持证主体代码: ID number or unified social credit code (check character verified)
             * @example 440106199001010013
             */
            code: string;
            /**
             * @description 持证主体代码类型: 111 居民身份证, 001 统一社会信用代码, 414 护照, 511 台胞证, 516 港澳通行证
             * @example 111
             * @enum {string}
             */
            codeType: "111" | "414" | "511" | "516" | "001";
            /**
             * @description 持证主体 (holder name)
             * @example 陈小明
             */
            name: string;
        };
        HolderViewDto: {
            /** @example 440106199001010013 */
            code: string;
            /** @example 111 */
            codeType: string;
            /** @example 陈小明 */
            name: string;
        };
        HospitalFileViewDto: {
            /** @example 2026-03-06T01:00:00.000Z */
            createdAt: string;
            /**
             * @description file_qury_no: name it in 3202 (fileId)
             * @example 0f1e2d3c-4b5a-4697-8877-665544332211
             */
            fileId: string;
            /** @example 3202-detail.csv */
            fileName: string;
            /**
             * @description Detail lines of an upload
             * @example 2
             */
            lines: number | null;
            /** @example text/csv */
            mediaType: string;
            /**
             * @description The hospital’s 3202 detail file, or the agency’s 3202 result
             * @example upload
             * @enum {string}
             */
            purpose: "upload" | "result";
            /** @example 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 */
            sha256: string;
            /** @example 160 */
            sizeBytes: number;
        };
        ImplementationDto: {
            /** @example 广州市医疗保障局 */
            body: string;
            /** @example 440100 */
            city: string;
            /**
             * @description 实施编码: base code + city code + 3-digit number
             * @example GG00101001440100001
             */
            code: string;
            /** @example 广州市人才绿卡申领 */
            localName?: string;
        };
        IssueCredentialDto: {
            /**
             * @description Type-specific data items (照面信息): lowerCamelCase names, string / integer / boolean values, at most 20
             * @example {
             *       "residenceAddressDistrict": "天河区"
             *     }
             */
            attributes?: Record<string, never>;
            holder: components["schemas"]["HolderDto"];
            /**
             * @description The holder's account (统一身份认证 subject): the credential appears in their wallet and they may present it
             * @example gz-resident
             */
            holderAccount?: string;
            /**
             * @description 颁发日期 (default: today, Asia/Shanghai)
             * @example 2026-11-27
             */
            issueDate?: string;
            /** @description Optional. The issuer is always the body the caller acts for (a clerk: the body of their hall; a partner: the body its API key is bound to). If given, its code must be that body (else 403 CREDENTIAL_ISSUER_MISMATCH). */
            issuer?: components["schemas"]["IssuingBodyDto"];
            /**
             * @description Credential type code from the catalogue (GET /api/v1/catalogue/credential-types)
             * @example RESIDENCE_PERMIT
             */
            typeCode: string;
            /**
             * @description 有效期起始 (inclusive)
             * @example 2026-11-27
             */
            validFrom: string;
            /**
             * @description 有效期截止 (inclusive); omit or null for 长期有效
             * @example 2027-11-26
             */
            validTo?: string | null;
        };
        IssuerKeyRegistryDto: {
            /** @description Each city's published issuing-authority list as this node holds it (ISSUER_NOT_AUTHORISED otherwise) */
            authorities: components["schemas"]["IssuingAuthorityDto"][];
            /**
             * @description The node answering
             * @example 440600
             */
            city: string;
            keys: components["schemas"]["RegistryKeyDto"][];
            /**
             * @example fail-closed
             * @enum {string}
             */
            staleStatusPolicy: "fail-closed" | "accept-with-warning";
            /** @example 3600 */
            statusMaxAgeSeconds: number;
            streams: components["schemas"]["RegistryStreamDto"][];
        };
        IssuerRefDto: {
            /** @example 440100 */
            city: string;
            /** @example 114401000075020016 */
            code: string;
            /** @example 广州市公安局 */
            name: string;
        };
        IssueStatementDto: {
            /**
             * @description 预付金 the insured city advanced for the period, fen
             * @example 0
             */
            advanceFen: number;
            /**
             * @description The insured city the statement is for
             * @example 440100
             */
            insuredCity: string;
            /** @example 2026-03 */
            period: string;
        };
        IssuingAuthorityDto: {
            /**
             * @description 统一社会信用代码 of the body
             * @example 114401000075020016
             */
            code: string;
            /**
             * @description Credential types the body may issue
             * @example [
             *       "HOUSEHOLD_REGISTER",
             *       "RESIDENCE_PERMIT"
             *     ]
             */
            credentialTypes: string[];
            /** @example 440100 */
            issuerCity: string;
            /** @example 广州市公安局 */
            name: string;
        };
        IssuingBodyDto: {
            /**
             * @description 颁发机构代码 (统一社会信用代码)
             * @example 114401000075020016
             */
            code: string;
            /**
             * @description 颁发机构 (ignored: the name on the credential is the one in the issuing-authority list)
             * @example 广州市公安局
             */
            name: string;
        };
        ItemDto: {
            /**
             * @description 基本编码 (GB/T 39554.1 style)
             * @example GG00101001
             */
            code: string;
            /**
             * @example medical-settlement
             * @enum {string}
             */
            domain: "affairs" | "social-insurance" | "medical-settlement" | "credentials" | "other";
            /** @example 2026-01-01 */
            effectiveFrom: string;
            /** @example 2027-12-31 */
            effectiveTo?: string;
            /**
             * @description Fee in integer fen
             * @example 0
             */
            feeFen: number;
            implementations: components["schemas"]["ImplementationDto"][];
            /**
             * @description Plan commitment ids
             * @example [
             *       "P8-2-01",
             *       "P5-2-05"
             *     ]
             */
            implements: string[];
            /**
             * @example [
             *       "异地就医备案",
             *       "medical registration"
             *     ]
             */
            keywords: string[];
            /**
             * @example 公共服务
             * @enum {string}
             */
            kind: "行政许可" | "行政给付" | "行政确认" | "行政裁决" | "行政奖励" | "行政征收" | "其他行政权力" | "公共服务";
            materials: components["schemas"]["MaterialDto"][];
            name: components["schemas"]["LocalizedNameDto"];
            plan: components["schemas"]["PlanReferenceDto"][];
            routes: components["schemas"]["ItemRouteDto"][];
            timeLimits: components["schemas"]["TimeLimitsDto"];
            /** @example 2 */
            version: number;
        };
        ItemMaterialsDto: {
            /** @example GG00101001 */
            itemCode: string;
            materials: components["schemas"]["MaterialViewDto"][];
            /** @example 2026.1 */
            version: string;
        };
        ItemPageDto: {
            items: components["schemas"]["ItemDto"][];
            /** @example eyJ2IjoiMjAyNi4xIiwiYSI6IkdHMDAxMDEwMDEifQ */
            nextCursor: string | null;
            /** @example 2026.1 */
            version: string;
        };
        ItemRouteDto: {
            /**
             * @description 办理地
             * @example 440100
             */
            administeredBy: string;
            /**
             * @example [
             *       "window",
             *       "self-service"
             *     ]
             */
            channels: ("window" | "online" | "self-service")[];
            /**
             * @description Applicant's own city
             * @example 440100
             */
            from: string;
            /**
             * @example [
             *       "proxy"
             *     ]
             */
            modes: ("online" | "proxy" | "joint")[];
            /**
             * @description 收件地
             * @example 440600
             */
            receivedBy: string;
            /**
             * @description The other city
             * @example 440600
             */
            to: string;
        };
        LateAnswerDto: {
            /** @example 2026-03-05T01:02:00.000Z */
            at: string;
            /**
             * @example confirmed
             * @enum {string}
             */
            outcome: "confirmed" | "refused";
        };
        LocalizedNameDto: {
            /** @example Registration for medical treatment while living in the other city */
            en: string;
            /** @example 异地长期居住人员就医备案 */
            zh: string;
        };
        MaskedPersonDto: {
            /** @example 440***********0011 */
            idNumber: string;
            /** @example 陈*伯 */
            name: string;
        };
        MaterialDto: {
            /**
             * @example original
             * @enum {string}
             */
            form: "original" | "copy" | "form" | "commitment";
            /** @example residence-proof */
            id: string;
            name: components["schemas"]["LocalizedNameDto"];
            /**
             * @description Credential type codes whose electronic credential replaces this material
             * @example [
             *       "RESIDENCE_PERMIT"
             *     ]
             */
            replaceableBy: string[];
            /** @example true */
            required: boolean;
        };
        MaterialSubmissionDto: {
            credential?: components["schemas"]["CredentialRefDto"];
            file?: components["schemas"]["FileMetadataDto"];
            /**
             * @description Id of a file in the platform file store
             * @example 5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f
             */
            fileId?: string;
            /**
             * @description Material id from the catalogue item
             * @example household-register
             */
            materialId: string;
            /**
             * @description Explicitly missing: the administering city asks for it in one 补正 notice
             * @example true
             */
            missing?: boolean;
            /**
             * @description SHA-256 of the stored file (with fileId)
             * @example 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
             */
            sha256?: string;
        };
        MaterialViewDto: {
            /**
             * @example original
             * @enum {string}
             */
            form: "original" | "copy" | "form" | "commitment";
            /** @example residence-proof */
            id: string;
            /**
             * @example {
             *       "zh": "在居住地居住的证明材料",
             *       "en": "Proof of residence in the other city"
             *     }
             */
            name: components["schemas"]["LocalizedNameDto"];
            /** @description Credential types that may replace this material */
            replaceableBy: components["schemas"]["CredentialTypeDto"][];
            /** @example true */
            required: boolean;
        };
        MedicalTransferDto: {
            /**
             * @description The old place (any other city of the registry: medical insurance is pooled per city)
             * @example 440100
             */
            fromCity: string;
            /** @example 440106199001010013 */
            idNumber: string;
            /** @example 陈小明 */
            name: string;
        };
        NationalEnvelopeDto: {
            /**
             * @description 交易编号: 1101 2201 2202 2204 2205 2206 2207 2208 2301 2302 2303 2304 2305 2401 2404 2601 5206
             * @example 2207
             */
            infno: string;
            /**
             * @description The transaction input (input.data / input.feedetail)
             * @example {
             *       "data": {
             *         "mdtrt_id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
             *         "acct_used_flag": "1"
             *       }
             *     }
             */
            input: Record<string, never>;
            /**
             * @description 参保地医保区划
             * @example 440100
             */
            insuplc_admdvs: string;
            /**
             * @description 就医地医保区划
             * @example 440600
             */
            mdtrtarea_admvs: string;
            /**
             * @description 报文ID (30): institution code + yyyyMMddHHmmss + 4-digit sequence
             * @example H44060400001202603050930150001
             */
            msgid: string;
            /**
             * @description 签名类型 (the API key authenticates here; recorded only)
             * @example SM2
             */
            signtype?: string;
        };
        NationalReplyDto: {
            /** @example  */
            err_msg: string;
            /** @example a8b9c0d1-e2f3-4a5b-8c6d-7e8f9a0b1c2d */
            inf_refmsgid: string;
            /**
             * @description 0 success
             * @example 0
             */
            infcode: number;
            /**
             * @example {
             *       "setlinfo": {
             *         "setl_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
             *         "medfee_sumamt": 770,
             *         "hifp_pay": 81,
             *         "acct_pay": 50,
             *         "psn_cash_pay": 639
             *       }
             *     }
             */
            output: Record<string, never>;
            /** @example 20260305093016123 */
            refmsg_time: string;
        };
        OfferSlotDto: {
            /**
             * @description Places, 1–10000
             * @example 20
             */
            capacity: number;
            /**
             * @description Department (科室)
             * @example 心血管内科
             */
            department: string;
            /**
             * @description When the slot starts: in the future, at most 180 days ahead
             * @example 2027-01-11T01:00:00.000Z
             */
            startsAt: string;
        };
        OidcSignInDto: {
            /**
             * @description The console's client id at the provider (a public client: PKCE S256, no secret)
             * @example guangfo-console
             */
            clientId: string;
            /**
             * @description The provider's name for the sign-in button
             * @example 广东省统一身份认证平台
             */
            displayName: string;
            /**
             * @description The provider's issuer URL (discovery: /.well-known/openid-configuration)
             * @example https://idp.example.gov.cn
             */
            issuer: string;
            /**
             * @description RFC 8707 resource indicator of this API, sent with the authorization request
             * @example urn:guangfo:api
             */
            resource?: string;
            /**
             * @description Space-separated scopes to ask for
             * @example openid
             */
            scopes: string;
        };
        OwnIssuerKeyDto: {
            /** @example 2026-11-27T08:00:00.000Z */
            createdAt: string;
            /**
             * @example [
             *       "RESIDENCE_PERMIT"
             *     ]
             */
            credentialTypes: string[];
            /** @example 440100-3f9a0c1d2e4b5a69 */
            keyId: string;
            /** @example null */
            retiredAt: Record<string, never> | null;
            /** @example null */
            rotatedAt: Record<string, never> | null;
            /**
             * @example active
             * @enum {string}
             */
            status: "active" | "rotated" | "retired";
        };
        PauseDto: {
            /**
             * @description First paused day (inclusive), YYYY-MM-DD or ISO date-time
             * @example 2025-09-29
             */
            from: string;
            /**
             * @description Last paused day (inclusive)
             * @example 2025-09-30
             */
            to: string;
        };
        PaymentRunDto: {
            /**
             * @description The month paid (the current month or an earlier one)
             * @example 2026-12
             */
            month: string;
        };
        PensionClaimDto: {
            /**
             * @description Province code of the hukou (户籍所在地)
             * @example 440000
             */
            hukouRegion: string;
            /** @description Clerks only: the claimant (residents claim for themselves) */
            idNumber?: string;
            name?: string;
        };
        PersonDto: {
            /**
             * @description 公民身份号码 (GB 11643)
             * @example 440106195501010011
             */
            idNumber: string;
            /** @example 陈老伯 */
            name: string;
        };
        PersonFilingDto: {
            /** @example null */
            cancelledOn: string | null;
            /** @example true */
            coversToday: boolean;
            /** @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d */
            id: string;
            /** @example resettled-retiree */
            kind: string;
            /** @example 2026-03-02 */
            validFrom: string;
            /** @example null */
            validTo: string | null;
        };
        PersonInfoDto: {
            allowance: components["schemas"]["AllowanceDto"];
            filings: components["schemas"]["PersonFilingDto"][];
            /** @example 440***********0011 */
            idNumber: string;
            /** @example 440100 */
            insuredCity: string;
            /** @example 陈*伯 */
            name: string;
            /** @example 7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 */
            personId: string;
        };
        PersonQueryDto: {
            /**
             * @description 公民身份号码 (mdtrt_cert_no)
             * @example 440106195501010011
             */
            idNumber: string;
        };
        PersonRefDto: {
            /** @example 7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 */
            personId: string;
        };
        PlanReferenceDto: {
            /** @example P8-2-01 */
            commitment: string;
            /** @example 第八章 第二节 */
            location: string;
            /** @example 扩大广佛间异地就医直接结算联网定点医疗机构数量 */
            quote: string;
            /** @example 强化医疗卫生合作 */
            sectionTitle: string;
            /** @example 深化医疗服务政策对接 */
            topic: string;
        };
        PresentationDto: {
            /** @example 2026-11-27T09:00:00.000Z */
            createdAt: string;
            /** @example 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a */
            credentialId: string;
            /** @example 2026-11-27T09:10:00.000Z */
            expiresAt: string;
            /** @example 7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0 */
            presentationId: string;
            /** @example 开立账户核验居住证 */
            purpose: string;
            /**
             * @description The token as a QR code payload
             * @example GFTB-VP1:eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…
             */
            qrPayload: string;
            /** @example true */
            singleUse: boolean;
            /**
             * @description Give it to the verifier: POST /api/v1/verifications { presentationToken }
             * @example eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…
             */
            token: string;
            /**
             * @example {
             *       "kind": "partner",
             *       "city": "440600",
             *       "id": "demo-bank-fs"
             *     }
             */
            verifier: Record<string, never>;
        };
        PresentationRefDto: {
            /** @example 2026-11-27T09:10:00.000Z */
            expiresAt: string;
            /** @example 7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0 */
            id: string;
            /** @example 开立账户核验居住证 */
            purpose: string;
            /** @example true */
            singleUse: boolean;
        };
        PresentationVerifierDto: {
            /**
             * @description The verifier's city (GB/T 2260)
             * @example 440600
             */
            city: string;
            /**
             * @description Service hall (kind = hall)
             * @example FS-CC-01
             */
            hall?: string;
            /**
             * @description Partner id (kind = partner)
             * @example demo-bank-fs
             */
            id?: string;
            /**
             * @description partner: one partner system (X-API-Key); hall: the clerks of one service hall
             * @example partner
             * @enum {string}
             */
            kind: "partner" | "hall";
        };
        PresentedCredentialDto: {
            /**
             * @description The signed credential document as presented
             * @example {
             *       "format": "guangfo-credential/1"
             *     }
             */
            credential: {
                [key: string]: unknown;
            };
        };
        PresentTestResultDto: {
            /**
             * @description The signed MEDICAL_TEST_REPORT credential document as the person shows it (电子证照, @guangfo/credentials format)
             * @example {
             *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
             *       "type": {
             *         "code": "MEDICAL_TEST_REPORT"
             *       },
             *       "proof": {
             *         "keyId": "440100-0123456789abcdef"
             *       }
             *     }
             */
            credential: Record<string, never>;
        };
        PreSettleDto: {
            /** @example true */
            useAccount?: boolean;
        };
        Problem: {
            /**
             * @description Stable machine-readable code; the error responses of each operation name theirs
             * @example VALIDATION_FAILED
             */
            code: string;
            /** @example 01JDZ6W3Q4M5N6P7R8S9T0V1W2 */
            correlationId?: string;
            /** @example One or more fields are invalid. */
            detail?: string;
            /** @description Field errors (VALIDATION_FAILED) */
            errors?: {
                /** @example applicant.name */
                field: string;
                /** @example name must be a string */
                message: string;
                /** @example isString */
                rule: string;
            }[];
            /** @example /api/v1/cases */
            instance?: string;
            /**
             * @description TOO_MANY_REQUESTS: also in the Retry-After header
             * @example 30
             */
            retryAfterSeconds?: number;
            /** @example 400 */
            status: number;
            /** @example 请求参数校验未通过 / Request validation failed */
            title: string;
            /** @example Request validation failed */
            titleEn: string;
            /** @example 请求参数校验未通过 */
            titleZh: string;
            /**
             * Format: uri
             * @example https://guangfo.gov.cn/problems/validation-failed
             */
            type: string;
        };
        PutHealthSummaryDto: {
            /** @example 440106195501010011 */
            idNumber: string;
            /** @example 陈老伯 */
            name: string;
            summary: components["schemas"]["HealthSummaryDto"];
        };
        RecognisedCredentialDto: {
            /** @example 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a */
            id: string;
            /** @example 2026-03-01 */
            issuedOn: string;
            /** @example 440100 */
            issuerCity: string;
            /** @example 广州示范检验中心 */
            issuerName: string;
            /** @example 44010026MEDICAL_TEST_REPORT0000001 */
            number: string;
            /** @example MEDICAL_TEST_REPORT */
            type: string;
        };
        ReconciliationViewDto: {
            agency: components["schemas"]["DayTotalsDto"];
            /** @example 2026-03-05 */
            day: string;
            /** @description 3202: the 9101 file id the details were read from (null: inline; 3201) */
            detailFileId: string | null;
            detailMismatches: components["schemas"]["DetailMismatchDto"][];
            /** @example c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f */
            id: string;
            /**
             * @example 3201
             * @enum {string}
             */
            infno: "3201" | "3202";
            /** @example true */
            matched: boolean;
            /** @description 3202: the agency’s result file (CSV), downloaded with 9102; null for 3201 */
            resultFileId: string | null;
            totalsMismatches: components["schemas"]["TotalsMismatchDto"][];
        };
        RecordRequestDto: {
            /**
             * @description The resident agrees that every city of the registry is asked for their record
             * @example true
             */
            consent: boolean;
            /** @example 本人查询跨城市社会保险缴费记录 */
            scope?: string;
        };
        RegisterFilingDto: {
            /**
             * @description Personal-account balance the treating city may debit, fen (agency only)
             * @example 300000
             */
            accountBalanceFen?: number;
            /**
             * @description 备案 kind (医保发〔2022〕22号): three long-term, three temporary
             * @example resettled-retiree
             * @enum {string}
             */
            kind: "resettled-retiree" | "long-term-resident" | "resident-worker" | "referral" | "emergency" | "other-temporary";
            /** @description Clerks and agency systems: the insured person (residents register themselves) */
            person?: components["schemas"]["PersonDto"];
            /**
             * @description Treating city (就医地), another city than this one
             * @example 440600
             */
            treatingCity: string;
            /**
             * @description Default today; earlier = late registration (补办备案), within the policy limit
             * @example 2026-03-02
             */
            validFrom?: string;
            /**
             * @description Temporary kinds: ≥ 6 months (default validFrom + 183 days); long-term: none
             * @example null
             */
            validTo?: string | null;
        };
        RegisterVisitDto: {
            /**
             * @description Default today
             * @example 2026-03-05
             */
            begunOn?: string;
            /** @example 440106195501010011 */
            idNumber: string;
            /**
             * @description insuplc_admdvs, checked when given
             * @example 440100
             */
            insuredCity?: string;
            /**
             * @description msgid: institution code + yyyyMMddHHmmss + 4-digit sequence (idempotency key)
             * @example H44060400001202603050930150001
             */
            msgid: string;
            /**
             * @example outpatient
             * @enum {string}
             */
            visitType: "outpatient" | "inpatient";
        };
        RegistryKeyDto: {
            /** @example SM2-SM3 */
            algorithm: string;
            /**
             * @example [
             *       "RESIDENCE_PERMIT",
             *       "BUSINESS_LICENSE"
             *     ]
             */
            credentialTypes: string[];
            /** @example 440100 */
            issuerCity: string;
            /** @example 440100-3f9a0c1d2e4b5a69 */
            keyId: string;
            /**
             * @description Uncompressed SM2 public key, hex
             * @example 04a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1
             */
            publicKey: string;
            /**
             * @description SubjectPublicKeyInfo (id-ecPublicKey + SM2 curve), for OpenSSL
             * @example -----BEGIN PUBLIC KEY-----
             *     MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE…
             *     -----END PUBLIC KEY-----
             */
            publicKeyPem: string;
            /** @example 2026-11-27T08:00:00.000Z */
            publishedAt: string;
            /**
             * @example active
             * @enum {string}
             */
            status: "active" | "rotated" | "retired";
            /** @example 2026-11-27T08:00:00.000Z */
            statusChangedAt: string;
        };
        RegistryStreamDto: {
            /** @example 2026-11-27T08:55:00.000Z */
            asOf: string | null;
            /**
             * @description A gap: announced changes not applied yet (status freshness held back)
             * @example false
             */
            behind: boolean;
            /** @example 12 */
            highestSeen: number;
            /** @example 440100 */
            issuerCity: string;
            /** @example 2026-11-27T08:55:00.000Z */
            lastCheckpointAt: string | null;
            /**
             * @description This node is the issuer (authoritative)
             * @example false
             */
            own: boolean;
            /**
             * @description Registry changes applied in order
             * @example 12
             */
            sequence: number;
        };
        ReinstateCredentialDto: {
            /** @example 核查完毕，恢复使用 */
            reason?: string;
        };
        RejectDto: {
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /**
             * @description Shown to the applicant; required with OTHER
             * @example 申请人不符合以经常居住地登记户口的条件
             */
            reason?: string;
            /**
             * @description 不予受理 reason code
             * @example NOT_ELIGIBLE
             * @enum {string}
             */
            reasonCode: "NOT_COMPETENT" | "NOT_ELIGIBLE" | "NO_PERMIT_REQUIRED" | "MATERIALS_FALSE" | "OTHER";
        };
        RemediationDto: {
            caseId: string;
            closedAt: string | null;
            closedBy: string | null;
            /** @example 等待时间较长 */
            comment: string | null;
            /** @example 2026-10-21 */
            dueDate: string | null;
            /** @description 追评 of the applicant on this case, with whether they are now satisfied */
            followUp: components["schemas"]["RemediationFollowUpDto"] | null;
            id: string;
            /** @example XK00201000 */
            itemCode: string;
            /** @example dissatisfied */
            level: string;
            openedAt: string;
            /** @example false */
            overdue: boolean;
            /**
             * @description Counted across a year without a State Council notice; recounted when it is loaded
             * @example false
             */
            provisional: boolean;
            /** @example 2 */
            rating: number;
            resolution: string | null;
            /** @enum {string} */
            status: "open" | "closed";
        };
        RemediationFollowUpDto: {
            /**
             * @description The follow-up came after the task was closed
             * @example true
             */
            afterResolution: boolean;
            /** @example 2026-10-20T03:00:00.000Z */
            at: string;
            /** @example 4 */
            rating: number;
            /**
             * @description Rating 3 (基本满意) or more: the applicant is now satisfied
             * @example true
             */
            satisfied: boolean;
        };
        RemediationPageDto: {
            items: components["schemas"]["RemediationDto"][];
        };
        RequestHealthSummaryDto: {
            /** @example 440106195501010011 */
            idNumber: string;
            /**
             * @description The patient’s city (holds the record and the consents)
             * @example 440100
             */
            patientCity: string;
            /**
             * @description Purpose of use, a short code (e.g. treatment, referral, emergency)
             * @example treatment
             */
            purpose: string;
        };
        RequestSupplementDto: {
            /** @description One notice (一次性告知): every material still marked missing is added automatically */
            items: components["schemas"]["SupplementItemRequestDto"][];
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
        };
        ResolveRemediationDto: {
            /** @example 已回访申请人并说明延误原因，优化预约流程 */
            resolution: string;
        };
        ResumeDto: {
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /** @example 听证结束，申请人陈述已记录 */
            result?: string;
        };
        RetireeRegistrationDto: {
            /** @example 2025-09 */
            firstMonth: string;
            idNumber: string;
            /** @example 2025-10-20 */
            lastConfirmedOn: string;
            /** @example 420000 */
            monthlyPensionFen: number;
            name: string;
            /**
             * @description Where the retiree lives (another city of the registry)
             * @example 440600
             */
            residenceCity: string;
        };
        ReturnDto: {
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /**
             * @description Shown to the applicant; required with OTHER
             * @example 申请人未能出示身份证原件
             */
            reason?: string;
            /**
             * @description 退件 reason code, each with its basis: IDENTITY_NOT_VERIFIED (行政许可法 art. 29, 31: identity not verified, so no application by the applicant); WRONG_ROUTE (行政许可法 art. 32(1)(2): not a matter for this route/authority; the applicant is told at once where to apply); DUPLICATE_APPLICATION (same application already pending: nothing new to receive); OTHER (another lawful ground, stated in writing (never incomplete materials: art. 32(4) 补正)). Incomplete materials are not a 退件: request-supplement (行政许可法 art. 32(4)).
             * @example IDENTITY_NOT_VERIFIED
             * @enum {string}
             */
            reasonCode: "IDENTITY_NOT_VERIFIED" | "WRONG_ROUTE" | "DUPLICATE_APPLICATION" | "OTHER";
        };
        ReverseClearingApplicationDto: {
            /**
             * @description Idempotency key: institution code + yyyyMMddHHmmss + 4 digits
             * @example H44060000001202604010900000001
             */
            msgid: string;
        };
        ReverseDto: {
            /** @example H44060400001202603051000000002 */
            msgid: string;
        };
        RevokeCredentialDto: {
            /**
             * @description Kept in the issuing city only (never broadcast)
             * @example 持证人已迁出，依申请注销
             */
            reason?: string;
            /**
             * @description Broadcast to every city
             * @example WITHDRAWN
             * @enum {string}
             */
            reasonCode: "ISSUED_IN_ERROR" | "SUPERSEDED" | "CANCELLED" | "WITHDRAWN" | "OTHER";
        };
        RotateIssuerKeyDto: {
            /**
             * @description Types the new key may sign (default: every catalogue credential type)
             * @example [
             *       "RESIDENCE_PERMIT",
             *       "BUSINESS_LICENSE"
             *     ]
             */
            credentialTypes?: string[];
        };
        RotationResultDto: {
            active: components["schemas"]["OwnIssuerKeyDto"];
            rotated: components["schemas"]["OwnIssuerKeyDto"] | null;
        };
        RouteListDto: {
            routes: components["schemas"]["RouteViewDto"][];
            /** @example 2026.1 */
            version: string;
        };
        RouteViewDto: {
            /**
             * @description 办理地
             * @example 440100
             */
            administeredBy: string;
            /** @example GG01003000440100001 */
            administeringImplementation: string;
            /**
             * @example [
             *       "window",
             *       "self-service"
             *     ]
             */
            channels: ("window" | "online" | "self-service")[];
            /**
             * @example social-insurance
             * @enum {string}
             */
            domain: "affairs" | "social-insurance" | "medical-settlement" | "credentials" | "other";
            /**
             * @description Applicant's own city
             * @example 440100
             */
            from: string;
            /** @example GG01003000 */
            itemCode: string;
            /**
             * @example {
             *       "zh": "异地居住退休人员养老待遇领取资格认证",
             *       "en": "Pension eligibility confirmation for retirees living in the other city"
             *     }
             */
            itemName: components["schemas"]["LocalizedNameDto"];
            /**
             * @example 公共服务
             * @enum {string}
             */
            kind: "行政许可" | "行政给付" | "行政确认" | "行政裁决" | "行政奖励" | "行政征收" | "其他行政权力" | "公共服务";
            /**
             * @example [
             *       "proxy"
             *     ]
             */
            modes: ("online" | "proxy" | "joint")[];
            /**
             * @description 收件地
             * @example 440600
             */
            receivedBy: string;
            /** @example GG01003000440600001 */
            receivingImplementation: string;
            /**
             * @description The other city
             * @example 440600
             */
            to: string;
        };
        SettledHereDto: {
            /** @example 5000 */
            acctFen: number;
            /** @example 63900 */
            cashFen: number;
            /** @example 1 */
            count: number;
            /** @example 8100 */
            fundFen: number;
            /** @example 77000 */
            medfeeFen: number;
        };
        SettleDto: {
            /**
             * @description msgid of this settlement (idempotency key: the same msgid answers the same settlement)
             * @example H44060400001202603050930150001
             */
            msgid: string;
            /**
             * @description acct_used_flag: debit the personal account (default true)
             * @example true
             */
            useAccount?: boolean;
        };
        SettlementLineDto: {
            /** @example 0 */
            accountFen: number;
            /** @example 20000 */
            amountFen: number;
            /** @example 11900 */
            cashFen: number;
            /**
             * @example B
             * @enum {string}
             */
            class: "A" | "B" | "C" | "unlisted";
            /** @example B-001 */
            code: string;
            /** @example 4500 */
            deductibleFen: number;
            /**
             * @example [
             *       "乙类, 先行自付 10% = 20.00 元 (四舍五入到分)",
             *       "乙类, 符合范围 180.00 元"
             *     ]
             */
            explain: string[];
            /** @example 0 */
            fullOwnPayFen: number;
            /** @example 8100 */
            fundFen: number;
            /** @example 18000 */
            inScopeFen: number;
            /** @example 3 */
            lineNo: number;
            /** @example 0 */
            overLimitFen: number;
            /** @example 2000 */
            preSelfPayFen: number;
            /**
             * @example [
             *       "CLASS_B_SELF_PAY_SHARE",
             *       "DEDUCTIBLE",
             *       "CO_PAYMENT"
             *     ]
             */
            reasons: string[];
        };
        SettlementPageDto: {
            items: components["schemas"]["SettlementViewDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        SettlementTotalsDto: {
            /**
             * @description 个人账户支出
             * @example 5000
             */
            acct_pay: number;
            /**
             * @description 实际支付起付线
             * @example 10000
             */
            act_pay_dedc: number;
            /**
             * @description 全自费金额
             * @example 51000
             */
            fulamt_ownpay_amt: number;
            /**
             * @description 基金支付总额
             * @example 8100
             */
            fund_pay_sumamt: number;
            /**
             * @description 基本医疗保险统筹基金支出
             * @example 8100
             */
            hifp_pay: number;
            /**
             * @description 符合政策范围金额
             * @example 23500
             */
            inscp_scp_amt: number;
            /**
             * @description 医疗费总额, fen
             * @example 77000
             */
            medfee_sumamt: number;
            /**
             * @description 超限价自费
             * @example 500
             */
            overlmt_selfpay: number;
            /**
             * @description 先行自付金额
             * @example 2000
             */
            preselfpay_amt: number;
            /**
             * @description 个人现金支出
             * @example 63900
             */
            psn_cash_pay: number;
        };
        SettlementViewDto: {
            /** @example demo-2026.1 */
            catalogueVersion: string;
            /** @example H44060400001 */
            hospitalCode: string;
            /** @example tertiary */
            hospitalLevel: string;
            /**
             * @description null on a pre-settlement
             * @example 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a
             */
            id: string | null;
            /** @example 440100 */
            insuredCity: string;
            lines: components["schemas"]["SettlementLineDto"][];
            /** @example H44060400001202603050930150001 */
            msgid: string | null;
            /** @example demo-2026.1 */
            policyVersion: string;
            /**
             * @description Fund ratio applied, basis points
             * @example 6000
             */
            ratioBp: number;
            /** @example null */
            reversedOn: string | null;
            /** @example 2026-03-05 */
            settledOn: string;
            shortfall: components["schemas"]["ShortfallDto"] | null;
            /** @example resettled-retiree */
            standing: string;
            /**
             * @example settled
             * @enum {string}
             */
            state: "pre-settlement" | "settled" | "reversed";
            totals: components["schemas"]["SettlementTotalsDto"];
            /** @example 440600 */
            treatingCity: string;
            /** @example 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f */
            visitId: string;
            /** @example outpatient */
            visitType: string;
        };
        ShortfallDto: {
            /** @example 本人在就医地的统筹基金额度不足, 3100 分转由个人负担 */
            explain: string;
            /** @example 3100 */
            fen: number;
            /** @example FUND_ALLOWANCE_EXHAUSTED */
            reason: string;
        };
        SignInOptionsDto: {
            /** @description Demo users can get a token from POST /api/v1/auth/token (the sandbox only) */
            demoUsers: boolean;
            /** @description The identity provider to sign in with (absent: none configured) */
            oidc?: components["schemas"]["OidcSignInDto"];
        };
        SlotHoldDto: {
            /** @example 5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d */
            bookingId: string;
            /** @example 2027-01-05T01:00:01.000Z */
            confirmedAt: string;
            /** @description Masked: enough to match the patient at the counter */
            patient: components["schemas"]["SlotHoldPatientDto"];
            /**
             * @description The patient's city (where they booked)
             * @example 440100
             */
            patientCity: string;
            /**
             * @description When the place went back (cancelled by the patient, a late confirmation released, or the slot withdrawn)
             * @example null
             */
            releasedAt: string | null;
        };
        SlotHoldPageDto: {
            items: components["schemas"]["SlotHoldDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        SlotHoldPatientDto: {
            /** @example 440***********0011 */
            idNumber: string;
            /** @example 陈*伯 */
            name: string;
        };
        SlotPageDto: {
            items: components["schemas"]["SlotViewDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        SlotViewDto: {
            /** @example 20 */
            capacity: number;
            /** @example 心血管内科 */
            department: string;
            /** @example 440600 */
            hospitalCity: string;
            /** @example H44060400001 */
            hospitalCode: string;
            /**
             * @example tertiary
             * @enum {string}
             */
            hospitalLevel: "primary" | "secondary" | "tertiary";
            /** @example 佛山示范医院 */
            hospitalName: string;
            /**
             * @description Places left as the hospital’s city last announced them
             * @example 17
             */
            remaining: number;
            /** @example 1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f */
            slotId: string;
            /** @example 2027-01-11T01:00:00.000Z */
            startsAt: string;
            /** @description 停诊: when and why the hospital withdrew it (in the hospital’s own answers; a withdrawn slot is not listed) */
            withdrawn: components["schemas"]["SlotWithdrawnDto"] | null;
        };
        SlotWithdrawnDto: {
            /** @example 2027-01-08T02:00:00.000Z */
            at: string;
            /** @example 专家停诊 */
            reason: string;
        };
        SpecialProcedureDto: {
            /**
             * @description Art. 45: the expected end, told to the applicant in writing (required, not before today)
             * @example 2026-10-16
             */
            expectedEnd: string;
            /**
             * @description Internal note (this city only)
             * @example 已核验身份证原件与申请人一致
             */
            note?: string;
            /**
             * @description 行政许可法 art. 45: 听证 / 招标 / 拍卖 / 检验 / 检测 / 检疫 / 鉴定 / 专家评审 only; the clock stops
             * @example HEARING
             * @enum {string}
             */
            procedure: "HEARING" | "TENDER" | "AUCTION" | "INSPECTION" | "TESTING" | "QUARANTINE" | "APPRAISAL" | "EXPERT_REVIEW";
        };
        StatementItemDto: {
            /** @example 0 */
            accountFen: number;
            contest: components["schemas"]["ContestDto"] | null;
            /** @example 1190000 */
            fundFen: number;
            /**
             * @example claim
             * @enum {string}
             */
            kind: "claim" | "reversal";
            /** @example 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a */
            settlementId: string;
            /** @example 1860000 */
            totalFen: number;
        };
        StatementPageDto: {
            items: components["schemas"]["StatementSummaryDto"][];
            /** @description Cursor of the next page; null on the last */
            nextCursor: string | null;
        };
        StatementProofDto: {
            /** @example true */
            ok: boolean;
            /** @example [] */
            problems: string[];
        };
        StatementSummaryDto: {
            /** @example null */
            confirmedAt: string | null;
            /** @example 0 */
            contests: number;
            /** @example 2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901 */
            id: string;
            /** @example 440100 */
            insuredCity: string;
            /** @example 1 */
            itemCount: number;
            /** @example 0 */
            openContests: number;
            /** @example 2026-03 */
            period: string;
            /**
             * @description The verifier proved it from this city’s own records
             * @example true
             */
            proofOk: boolean;
            /**
             * @example treating
             * @enum {string}
             */
            role: "treating" | "insured";
            /**
             * @example issued
             * @enum {string}
             */
            state: "issued" | "contested" | "answered" | "confirmed";
            totals: components["schemas"]["StatementTotalsDto"];
            /** @example 440600 */
            treatingCity: string;
            /**
             * @description This city’s version of the statement (its ETag)
             * @example 1
             */
            version: number;
        };
        StatementTotalsDto: {
            /** @example 0 */
            advanceFen: number;
            /** @example 5000 */
            claimedAccountFen: number;
            /** @example 1198100 */
            claimedFundFen: number;
            /** @example 1937000 */
            claimedTotalFen: number;
            /** @example 2 */
            items: number;
            /** @example 1203100 */
            netFen: number;
            /** @example 5000 */
            payableAccountFen: number;
            /** @example 1198100 */
            payableFundFen: number;
            /** @example 0 */
            withdrawnAccountFen: number;
            /** @example 0 */
            withdrawnFundFen: number;
        };
        StatementViewDto: {
            /** @example null */
            confirmedAt: string | null;
            /** @example 2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901 */
            id: string;
            /** @example 440100 */
            insuredCity: string;
            items: components["schemas"]["StatementItemDto"][];
            /** @example 2026-03 */
            period: string;
            proof: components["schemas"]["StatementProofDto"];
            /**
             * @example treating
             * @enum {string}
             */
            role: "treating" | "insured";
            /**
             * @example issued
             * @enum {string}
             */
            state: "issued" | "contested" | "answered" | "confirmed";
            totals: components["schemas"]["StatementTotalsDto"];
            /** @example 440600 */
            treatingCity: string;
            /**
             * @description This city’s version of the statement, also the ETag: send it as If-Match on contest, answer, confirm
             * @example 1
             */
            version: number;
        };
        StatusViewDto: {
            /** @example 300 */
            ageSeconds: number | null;
            /**
             * @description Issuer time the verifying city's copy of the status is known as of
             * @example 2026-11-27T08:55:00.000Z
             */
            asOf: string | null;
            /**
             * @description Within CREDENTIAL_STATUS_MAX_AGE_SECONDS
             * @example true
             */
            fresh: boolean;
            /** @example null */
            reasonCode: Record<string, never> | null;
            /**
             * @example valid
             * @enum {string}
             */
            value: "valid" | "suspended" | "revoked";
        };
        StepDto: {
            note?: string;
        };
        StopNoticeDto: {
            /** @example 2026-10-15 */
            eventDate: string;
            idNumber: string;
            /** @enum {string} */
            kind: "death" | "imprisonment";
            /** @example 440100 */
            payingCity: string;
        };
        SummaryHolderDto: {
            /** @example 440***********0013 */
            code: string;
            /** @example 111 */
            codeType: string;
            /** @example 陈*明 */
            name: string;
        };
        SummaryIssuerDto: {
            /** @example 440100 */
            city: string;
            /** @example 114401000075020016 */
            code: string;
            /** @example 广州市公安局 */
            name: string;
        };
        SummaryTypeDto: {
            /** @example RESIDENCE_PERMIT */
            code: string;
            /** @example 居住证 */
            name: string;
        };
        SupplementDto: {
            /**
             * @description An answer to every item of the notice
             * @example [
             *       {
             *         "itemId": "s1",
             *         "file": {
             *           "fileName": "contributions.pdf",
             *           "mediaType": "application/pdf",
             *           "sizeBytes": 48213,
             *           "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
             *         }
             *       }
             *     ]
             */
            responses: components["schemas"]["SupplementResponseDto"][];
        };
        SupplementItemRequestDto: {
            /** @example 请补充近 12 个月的社会保险缴费证明（加盖公章） */
            description: string;
            /**
             * @description A material of the item, or omit for a free-form item
             * @example contributions
             */
            materialId?: string;
        };
        SupplementResponseDto: {
            credential?: components["schemas"]["CredentialRefDto"];
            file?: components["schemas"]["FileMetadataDto"];
            /** @example 5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f */
            fileId?: string;
            /**
             * @description Item id from the supplement notice
             * @example s1
             */
            itemId: string;
            sha256?: string;
            /** @example 已补充近 12 个月的缴费证明 */
            text?: string;
        };
        SuspendCredentialDto: {
            /** @example 核查居住信息期间暂停使用 */
            reason?: string;
            /**
             * @example UNDER_REVIEW
             * @enum {string}
             */
            reasonCode: "UNDER_REVIEW" | "REPORTED_LOST" | "OTHER";
        };
        TestResultViewDto: {
            /** @example 2026-03-05T01:30:00.000Z */
            checkedAt: string;
            credential: components["schemas"]["RecognisedCredentialDto"] | null;
            /** @example d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6 */
            id: string;
            /** @example [] */
            reasons: string[];
            /** @example true */
            recognised: boolean;
            /** @example 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f */
            visitId: string;
            /** @example [] */
            warnings: string[];
        };
        TimeLimitsDto: {
            /**
             * @description Committed limit (承诺时限), working days; 0 = on the spot
             * @example 5
             */
            committed: number;
            /**
             * @description Statutory limit, working days; null when no law sets one
             * @example 20
             */
            legal: number | null;
        };
        TimelineEntryDto: {
            /**
             * @example {
             *       "role": "clerk",
             *       "id": "fs-clerk",
             *       "city": "440600",
             *       "hall": "FS-CC-01"
             *     }
             */
            actor: Record<string, never>;
            /** @example 2026-09-30T02:00:00.000Z */
            at: string;
            /** @example 440600 */
            authorCity: string;
            /**
             * @example {
             *       "to": "440100",
             *       "checks": {
             *         "identity": "verified",
             *         "form": "complete"
             *       }
             *     }
             */
            detail: Record<string, never>;
            /** @example submitted */
            fromState: string | null;
            /** @example forwarded */
            kind: string;
            /** @example INTAKE_PASSED */
            reasonCode: string;
            /** @example 2 */
            seq: number;
            /** @example forwarded */
            toState: string;
        };
        TokenResponseDto: {
            /** @example eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmcy1yZXNpZGVudCJ9.c2lnbmF0dXJl */
            accessToken: string;
            /**
             * @example {
             *       "sub": "fs-resident",
             *       "role": "resident",
             *       "city": "440600"
             *     }
             */
            claims: Record<string, never>;
            /** @example 3600 */
            expiresIn: number;
            /** @example Bearer */
            tokenType: string;
        };
        TotalsMismatchDto: {
            /** @example 1198100 */
            agency: number;
            /** @example fundFen */
            field: string;
            /** @example 1190000 */
            hospital: number;
        };
        TotalsReconciliationDto: {
            /** @example 2026-03-05 */
            day: string;
            totals: components["schemas"]["DayTotalsDto"];
        };
        TransferApplicationDto: {
            /**
             * @description Number of the 参保缴费凭证 issued by the old place
             * @example PZ-440100-2026-000123
             */
            certificateNo: string;
            /**
             * @description The old place (转出地), a city of the registry in another province
             * @example 440100
             */
            fromCity: string;
            /** @example 440000 */
            hukouRegion: string;
            /** @example 440106199001010013 */
            idNumber: string;
            /** @example 陈小明 */
            name: string;
            /** @description The resident's account (token sub), so they can follow the transfer */
            residentSub?: string;
        };
        TransportMessageDto: {
            /**
             * @description CloudEvents attributes as `ce_*` headers (signature included: `ce_sigkeyid`, `ce_sig`), and `content-type`
             * @example {
             *       "ce_specversion": "1.0",
             *       "ce_id": "6c1f0a8e-3b7d-4d2a-9f4e-1a2b3c4d5e6f",
             *       "ce_source": "/guangfo/440100/platform",
             *       "ce_type": "gov.guangfo.platform.node-announced.v1",
             *       "ce_subject": "440100",
             *       "ce_time": "2026-11-28T08:00:00.000Z",
             *       "ce_sigkeyid": "gz-demo-2026",
             *       "ce_sig": "MEUCIQDx…",
             *       "content-type": "application/json"
             *     }
             */
            headers: {
                [key: string]: string;
            };
            /**
             * @description The event subject (aggregate id): the Kafka key
             * @example 440100
             */
            key: string;
            /**
             * @description The event data, JSON text
             * @example {"nodeVersion":"0.1.0"}
             */
            value: string;
        };
        TypeRefDto: {
            /** @example RESIDENCE_PERMIT */
            code: string;
            /** @example 居住证 */
            name: string;
        };
        VerificationResultDto: {
            /** @example 2026-11-27T09:00:00.000Z */
            checkedAt: string;
            credential?: components["schemas"]["CredentialSummaryDto"];
            /**
             * @description MALFORMED only
             * @example [
             *       "holder.code: is not a valid code of type 111"
             *     ]
             */
            errors?: string[];
            presentation?: components["schemas"]["PresentationRefDto"];
            /**
             * @description Why it is not valid (empty when valid)
             * @example []
             */
            reasons: ("MALFORMED" | "UNKNOWN_ISSUER" | "KEY_RETIRED" | "SIGNATURE_INVALID" | "KEY_NOT_AUTHORISED_FOR_TYPE" | "ISSUER_NOT_AUTHORISED" | "UNKNOWN_CREDENTIAL_TYPE" | "TYPE_MISMATCH" | "REVOKED" | "SUSPENDED" | "STATUS_STALE" | "NOT_YET_VALID" | "EXPIRED" | "HOLDER_MISMATCH" | "PRESENTATION_INVALID" | "PRESENTATION_WRONG_VERIFIER" | "PRESENTATION_EXPIRED" | "PRESENTATION_ALREADY_USED")[];
            status?: components["schemas"]["StatusViewDto"];
            /** @example true */
            valid: boolean;
            /** @example 5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21 */
            verificationId: string;
            /** @example [] */
            warnings: ("STATUS_STALE" | "KEY_ROTATED" | "NO_EXPIRY")[];
        };
        VerifyCredentialDto: {
            /**
             * @description The full signed credential document (as GET /credentials/{id} returns in `document`)
             * @example {
             *       "format": "guangfo.credential.v1",
             *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
             *       "number": "1144010000750200162026000000426",
             *       "type": {
             *         "code": "RESIDENCE_PERMIT",
             *         "name": "居住证"
             *       },
             *       "holder": {
             *         "name": "陈小明",
             *         "code": "440106199001010013",
             *         "codeType": "111"
             *       },
             *       "issuer": {
             *         "name": "广州市公安局",
             *         "code": "114401000075020016",
             *         "city": "440100"
             *       },
             *       "issueDate": "2026-11-27",
             *       "validFrom": "2026-11-27",
             *       "validTo": "2027-11-26",
             *       "proof": {
             *         "type": "SM2-SM3",
             *         "keyId": "440100-3f9a0c1d2e4b5a69",
             *         "signature": "MEUCIQD…base64 DER…"
             *       }
             *     }
             */
            credential?: {
                [key: string]: unknown;
            };
            /**
             * @description Reject with HOLDER_MISMATCH unless the credential is held by this code
             * @example 440106199001010013
             */
            expectedHolderCode?: string;
            /**
             * @description Reject with TYPE_MISMATCH unless the credential is of this type
             * @example RESIDENCE_PERMIT
             */
            expectedType?: string;
            /**
             * @description A presentation token or QR payload the holder made for you (instead of `credential`)
             * @example GFTB-VP1:eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…
             */
            presentationToken?: string;
            /**
             * @description Why you verify (shown in the holder's access log)
             * @example 居住证积分入学核验
             */
            purpose?: string;
        };
        VersionDto: {
            /** @example 2026-01-01 */
            effectiveFrom: string;
            /**
             * @description sha256 of the canonical JSON of the loaded catalogue
             * @example 3f1c…
             */
            hash: string;
            /** @example 2026.1 */
            version: string;
        };
        VisitViewDto: {
            /** @example 2026-03-05 */
            begunOn: string;
            /** @example 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d */
            filingId: string;
            /** @example H44060400001 */
            hospitalCode: string;
            /** @example 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f */
            id: string;
            /** @example 440100 */
            insuredCity: string;
            lines: components["schemas"]["FeeLineDto"][];
            /** @example H44060400001202603050930150001 */
            msgid: string;
            /** @example 7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 */
            personId: string;
            /**
             * @example open
             * @enum {string}
             */
            state: "open" | "settled" | "cancelled";
            /**
             * @example outpatient
             * @enum {string}
             */
            visitType: "outpatient" | "inpatient";
        };
        WithdrawDto: {
            /** @example 已在本市办理，不再需要 */
            reason?: string;
        };
        WithdrawLinesDto: {
            /**
             * @description Line numbers; all lines when absent
             * @example [
             *       2
             *     ]
             */
            lineNos?: number[];
        };
        WithdrawSlotDto: {
            /**
             * @description Why (shown to the patients whose bookings it ends), 1–200 characters
             * @example 专家停诊
             */
            reason: string;
        };
        WorkInjuryCaseDto: {
            /**
             * @description Employer: within 30 days; worker: within 1 year (工伤保险条例 art. 17)
             * @enum {string}
             */
            applicant: "employer" | "worker";
            /**
             * @description Facts clear, rights and obligations clear: decided within 15 days instead of 60 (art. 20)
             * @example true
             */
            clearFacts: boolean;
            /**
             * @description The employer's 统一社会信用代码 (insured the worker against work injury in this city)
             * @example 91440101MA5C12345E
             */
            employerUscc: string;
            /** @example 440106199001010013 */
            idNumber: string;
            /** @example 2026-11-20 */
            injuryDate: string;
            /** @example 陈小明 */
            name: string;
        };
        WorkInjuryDecisionDto: {
            /**
             * @description Recognised: the signed WORK_INJURY_DETERMINATION document this city issued to the worker (POST /api/v1/credentials)
             * @example {
             *       "format": "guangfo-credential/1"
             *     }
             */
            credential?: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            outcome: "recognised" | "not-recognised";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    CitiesController_announce: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeadLetterController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                /** @description true: only those not replayed yet */
                pending?: boolean;
                reasonCode?: "MALFORMED" | "UNSIGNED" | "UNKNOWN_SIGNER" | "SIGNATURE_INVALID" | "NOT_ADDRESSED_HERE" | "UNKNOWN_TYPE" | "SCHEMA_INVALID" | "PERSONAL_DATA_UNSEALED" | "HANDLER_FAILED";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description { items, nextCursor } */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeadLetterController_replay: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SignInController_options: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "oidc": {
                     *         "issuer": "https://idp.example.gov.cn",
                     *         "clientId": "guangfo-console",
                     *         "scopes": "openid",
                     *         "resource": "urn:guangfo:api",
                     *         "displayName": "广东省统一身份认证平台"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["SignInOptionsDto"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TokenController_issue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "fs-resident"
                 *     }
                 */
                "application/json": components["schemas"]["DemoTokenRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessToken": "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmcy1yZXNpZGVudCJ9.c2lnbmF0dXJl",
                     *       "tokenType": "Bearer",
                     *       "expiresIn": 3600,
                     *       "claims": {
                     *         "sub": "fs-resident",
                     *         "role": "resident",
                     *         "city": "440600"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["TokenResponseDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the sandbox (TOKEN_ISSUING_DISABLED) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such demo user (UNKNOWN_DEMO_USER) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CalendarController_view: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "identity": {
                     *         "version": "2025+2026",
                     *         "hash": "a3f…"
                     *       },
                     *       "official": [
                     *         {
                     *           "year": 2026,
                     *           "notice": {
                     *             "title": "国务院办公厅关于2026年部分节假日安排的通知",
                     *             "date": "2025-11-04"
                     *           },
                     *           "holidays": 33,
                     *           "workdays": 6
                     *         }
                     *       ],
                     *       "provisional": "statutory-holidays"
                     *     }
                     */
                    "application/json": components["schemas"]["CalendarDto"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CalendarAdminController_load: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                year: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "year": 2027,
                 *       "notice": {
                 *         "title": "国务院办公厅关于2027年部分节假日安排的通知",
                 *         "date": "2026-11-01"
                 *       },
                 *       "festivals": [
                 *         {
                 *           "name": "元旦",
                 *           "holidays": [
                 *             "2027-01-01"
                 *           ],
                 *           "workdays": []
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "year": 2027,
                     *       "previous": "provisional",
                     *       "identity": {
                     *         "version": "2025+2026+2027"
                     *       },
                     *       "recomputed": {
                     *         "cases": [
                     *           {
                     *             "previousDueDate": "2027-01-13",
                     *             "dueDate": "2027-01-14"
                     *           }
                     *         ],
                     *         "remediations": 0
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CalendarYearLoadedDto"];
                };
            };
            /** @description Invalid arrangement (problem+json, code CATALOGUE_CALENDAR_INVALID, with field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page */
                cursor?: string;
                /** @description `overdue`, `near` (≤ 3 working days left), `provisional` (due date counted across a year without an official holiday notice), or a date YYYY-MM-DD (due on or before) */
                due?: string;
                /** @description Only cases of this hall (or not yet assigned to one) */
                hall?: string;
                /** @description Only cases whose next step is this city's (the actionable queue) */
                held?: boolean;
                /** @description Catalogue item base code */
                item?: string;
                limit?: number;
                /** @description One state or several, comma-separated */
                state?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *           "itemCode": "XK00201000",
                     *           "itemName": {
                     *             "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *             "en": "Household registration at the habitual residence"
                     *           },
                     *           "mode": "proxy",
                     *           "channel": "window",
                     *           "state": "forwarded",
                     *           "outcome": null,
                     *           "version": 2,
                     *           "holderCity": "440100",
                     *           "heldHere": true,
                     *           "applicantCity": "440600",
                     *           "receivingCity": "440600",
                     *           "administeringCity": "440100",
                     *           "applicant": {
                     *             "name": "李小红",
                     *             "idNumber": "440***********002X",
                     *             "sub": "fs-resident"
                     *           },
                     *           "deadline": {
                     *             "stage": "decision",
                     *             "startDate": "2026-09-30",
                     *             "acceptance": {
                     *               "receivedOn": "2026-09-30",
                     *               "supplementNoticeDueOn": "2026-10-13",
                     *               "acceptedOn": "2026-09-30",
                     *               "deemed": true
                     *             },
                     *             "clockStarted": true,
                     *             "committedWorkingDays": 10,
                     *             "legalWorkingDays": 20,
                     *             "extensionWorkingDays": 0,
                     *             "decisionDueDate": "2026-10-20",
                     *             "legalDueDate": "2026-11-03",
                     *             "deliveryDueDate": null,
                     *             "dueDate": "2026-10-20",
                     *             "pauses": [],
                     *             "pausedWorkingDays": 0,
                     *             "clockPaused": false,
                     *             "remainingWorkingDays": 10,
                     *             "overdue": false,
                     *             "nearDue": false,
                     *             "calendarCovered": true,
                     *             "provisional": false,
                     *             "provisionalYears": []
                     *           },
                     *           "availableActions": [
                     *             {
                     *               "action": "accept",
                     *               "performer": "administering",
                     *               "city": "440100"
                     *             }
                     *           ],
                     *           "claim": {
                     *             "clerk": "gz-clerk",
                     *             "hall": "GZ-TH-01",
                     *             "expiresAt": "2026-09-30T03:00:00.000Z"
                     *           },
                     *           "hall": "GZ-TH-01",
                     *           "filedAt": "2026-09-30T01:00:00.000Z",
                     *           "updatedAt": "2026-09-30T02:00:00.000Z"
                     *         }
                     *       ],
                     *       "nextCursor": null
                     *     }
                     */
                    "application/json": components["schemas"]["CasePageDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_file: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the filing safe to retry (per caller) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "itemCode": "XK00201000",
                 *       "mode": "proxy",
                 *       "administeringCity": "440100",
                 *       "applicantCity": "440600",
                 *       "channel": "window",
                 *       "applicant": {
                 *         "name": "李小红",
                 *         "idNumber": "44060419920505002X",
                 *         "identityCheck": "id-card-reader",
                 *         "sub": "fs-resident"
                 *       },
                 *       "materials": [
                 *         {
                 *           "materialId": "household-register",
                 *           "file": {
                 *             "fileName": "hukou.pdf",
                 *             "mediaType": "application/pdf",
                 *             "sizeBytes": 92311,
                 *             "sha256": "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
                 *           }
                 *         },
                 *         {
                 *           "materialId": "id-card",
                 *           "file": {
                 *             "fileName": "id-card.jpg",
                 *             "mediaType": "image/jpeg",
                 *             "sizeBytes": 183220,
                 *             "sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
                 *           }
                 *         },
                 *         {
                 *           "materialId": "residence-permit",
                 *           "fileId": "5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f"
                 *         },
                 *         {
                 *           "materialId": "home",
                 *           "file": {
                 *             "fileName": "lease.pdf",
                 *             "mediaType": "application/pdf",
                 *             "sizeBytes": 482113,
                 *             "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                 *           }
                 *         },
                 *         {
                 *           "materialId": "contributions",
                 *           "missing": true
                 *         }
                 *       ],
                 *       "note": "申请人现场出示身份证原件"
                 *     }
                 */
                "application/json": components["schemas"]["FileCaseDto"];
            };
        };
        responses: {
            /** @description A replay of an earlier filing with the same Idempotency-Key and body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Filed; ETag = version 1 */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another body (CASE_IDEMPOTENCY_KEY_REUSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such route or mode (CASE_ROUTE_NOT_ALLOWED), materials not matching the catalogue, invalid ID number… */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_accept: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致"
                 *     }
                 */
                "application/json": components["schemas"]["ClerkStepDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_claim: {
        parameters: {
            query?: never;
            header?: {
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "ttlMinutes": 30,
                 *       "release": false
                 *     }
                 */
                "application/json": components["schemas"]["ClaimDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_complete: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致"
                 *     }
                 */
                "application/json": components["schemas"]["ClerkStepDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_decide: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "outcome": "approved",
                 *       "reasonCode": "REQUIREMENTS_NOT_MET",
                 *       "reason": "住所证明与实际居住地不符",
                 *       "certificateNo": "GZ-HK-2026-000123"
                 *     }
                 */
                "application/json": components["schemas"]["DecideDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_deliver: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "method": "mail",
                 *       "trackingNumber": "EMS1234567890CN",
                 *       "carrier": "EMS"
                 *     }
                 */
                "application/json": components["schemas"]["DeliverDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_evaluate: {
        parameters: {
            query?: never;
            header?: {
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "rating": 5,
                 *       "comment": "窗口服务热情，办理很快"
                 *     }
                 */
                "application/json": components["schemas"]["EvaluateDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_followUp: {
        parameters: {
            query?: never;
            header?: {
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "rating": 5,
                 *       "comment": "窗口服务热情，办理很快"
                 *     }
                 */
                "application/json": components["schemas"]["EvaluateDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_extend: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "reason": "需现场核实多处住所信息，经本机关负责人批准延长十个工作日"
                 *     }
                 */
                "application/json": components["schemas"]["ExtendDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_forward: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致"
                 *     }
                 */
                "application/json": components["schemas"]["ClerkStepDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_reject: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "reasonCode": "NOT_ELIGIBLE",
                 *       "reason": "申请人不符合以经常居住地登记户口的条件"
                 *     }
                 */
                "application/json": components["schemas"]["RejectDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_requestSupplement: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "items": [
                 *         {
                 *           "materialId": "contributions",
                 *           "description": "请补充近 12 个月的社会保险缴费证明（加盖公章）"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["RequestSupplementDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_resume: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "result": "听证结束，申请人陈述已记录"
                 *     }
                 */
                "application/json": components["schemas"]["ResumeDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_returnCase: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "reasonCode": "IDENTITY_NOT_VERIFIED",
                 *       "reason": "申请人未能出示身份证原件"
                 *     }
                 */
                "application/json": components["schemas"]["ReturnDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_review: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致"
                 *     }
                 */
                "application/json": components["schemas"]["ClerkStepDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_specialProcedure: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match": string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "note": "已核验身份证原件与申请人一致",
                 *       "procedure": "HEARING",
                 *       "expectedEnd": "2026-10-16"
                 *     }
                 */
                "application/json": components["schemas"]["SpecialProcedureDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_supplement: {
        parameters: {
            query?: never;
            header?: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match"?: string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "responses": [
                 *         {
                 *           "itemId": "s1",
                 *           "file": {
                 *             "fileName": "contributions.pdf",
                 *             "mediaType": "application/pdf",
                 *             "sizeBytes": 48213,
                 *             "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                 *           }
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["SupplementDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CaseController_withdraw: {
        parameters: {
            query?: never;
            header?: {
                /** @description The case version you acted on, as returned in ETag, e.g. "4" */
                "If-Match"?: string;
                /** @description `return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back) */
                Prefer?: string;
            };
            path: {
                /** @description Case id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "已在本市办理，不再需要"
                 *     }
                 */
                "application/json": components["schemas"]["WithdrawDto"];
            };
        };
        responses: {
            /** @description The case after the step; ETag = its version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
                     *       "itemCode": "XK00201000",
                     *       "itemName": {
                     *         "zh": "以经常居住地登记户口（跨市户口迁移）",
                     *         "en": "Household registration at the habitual residence"
                     *       },
                     *       "mode": "proxy",
                     *       "channel": "window",
                     *       "state": "forwarded",
                     *       "outcome": null,
                     *       "version": 2,
                     *       "holderCity": "440100",
                     *       "heldHere": true,
                     *       "applicantCity": "440600",
                     *       "receivingCity": "440600",
                     *       "administeringCity": "440100",
                     *       "applicant": {
                     *         "name": "李小红",
                     *         "idNumber": "440***********002X",
                     *         "sub": "fs-resident"
                     *       },
                     *       "deadline": {
                     *         "stage": "decision",
                     *         "startDate": "2026-09-30",
                     *         "acceptance": {
                     *           "receivedOn": "2026-09-30",
                     *           "supplementNoticeDueOn": "2026-10-13",
                     *           "acceptedOn": "2026-09-30",
                     *           "deemed": true
                     *         },
                     *         "clockStarted": true,
                     *         "committedWorkingDays": 10,
                     *         "legalWorkingDays": 20,
                     *         "extensionWorkingDays": 0,
                     *         "decisionDueDate": "2026-10-20",
                     *         "legalDueDate": "2026-11-03",
                     *         "deliveryDueDate": null,
                     *         "dueDate": "2026-10-20",
                     *         "pauses": [],
                     *         "pausedWorkingDays": 0,
                     *         "clockPaused": false,
                     *         "remainingWorkingDays": 10,
                     *         "overdue": false,
                     *         "nearDue": false,
                     *         "calendarCovered": true,
                     *         "provisional": false,
                     *         "provisionalYears": []
                     *       },
                     *       "availableActions": [
                     *         {
                     *           "action": "accept",
                     *           "performer": "administering",
                     *           "city": "440100"
                     *         }
                     *       ],
                     *       "claim": {
                     *         "clerk": "gz-clerk",
                     *         "hall": "GZ-TH-01",
                     *         "expiresAt": "2026-09-30T03:00:00.000Z"
                     *       },
                     *       "hall": "GZ-TH-01",
                     *       "filedAt": "2026-09-30T01:00:00.000Z",
                     *       "updatedAt": "2026-09-30T02:00:00.000Z",
                     *       "catalogueVersion": "2026.1",
                     *       "originCity": "440600",
                     *       "participants": [
                     *         "440600",
                     *         "440100"
                     *       ],
                     *       "requiresIntake": true,
                     *       "implementationCodes": {
                     *         "receiving": "XK00201000440600001",
                     *         "administering": "XK00201000440100001"
                     *       },
                     *       "timeLimits": {
                     *         "committed": 10,
                     *         "legal": 20
                     *       },
                     *       "materials": [
                     *         {
                     *           "materialId": "id-card",
                     *           "name": {
                     *             "zh": "居民身份证",
                     *             "en": "Resident identity card"
                     *           },
                     *           "required": true,
                     *           "status": "provided",
                     *           "evidence": {
                     *             "kind": "credential",
                     *             "credentialType": "ID_CARD",
                     *             "credentialId": "ID-1",
                     *             "verification": "pending"
                     *           }
                     *         }
                     *       ],
                     *       "supplement": null,
                     *       "decision": null,
                     *       "delivery": null,
                     *       "timeline": [
                     *         {
                     *           "seq": 2,
                     *           "kind": "forwarded",
                     *           "at": "2026-09-30T02:00:00.000Z",
                     *           "actor": {
                     *             "role": "clerk",
                     *             "id": "fs-clerk",
                     *             "city": "440600",
                     *             "hall": "FS-CC-01"
                     *           },
                     *           "fromState": "submitted",
                     *           "toState": "forwarded",
                     *           "reasonCode": "INTAKE_PASSED",
                     *           "detail": {
                     *             "to": "440100",
                     *             "checks": {
                     *               "identity": "verified",
                     *               "form": "complete"
                     *             }
                     *           },
                     *           "authorCity": "440600"
                     *         }
                     *       ],
                     *       "evaluation": {
                     *         "rating": 2,
                     *         "level": "dissatisfied",
                     *         "comment": "等待时间较长",
                     *         "evaluatedAt": "2026-10-09T03:00:00.000Z",
                     *         "followUp": {
                     *           "rating": 4,
                     *           "level": "satisfied",
                     *           "comment": "整改后问题已解决",
                     *           "followedUpAt": "2026-10-20T03:00:00.000Z"
                     *         }
                     *       },
                     *       "requests": [
                     *         {
                     *           "id": "9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a",
                     *           "kind": "withdraw",
                     *           "status": "pending",
                     *           "createdAt": "2026-09-30T03:00:00.000Z",
                     *           "resolvedAt": null
                     *         }
                     *       ],
                     *       "notes": [
                     *         {
                     *           "author": "gz-clerk",
                     *           "hall": "GZ-TH-01",
                     *           "seq": 3,
                     *           "text": "材料已核对",
                     *           "at": "2026-09-30T03:00:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Done, with `Prefer: return=minimal`: no body; ETag = the new version */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case, or not yours (CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)… */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_commitments: {
        parameters: {
            query?: {
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "id": "P8-2-04",
                     *         "chapter": 8,
                     *         "section": 2,
                     *         "location": "第八章 第二节",
                     *         "chapterTitle": "共享优质均衡普惠的公共服务",
                     *         "sectionTitle": "强化医疗卫生合作",
                     *         "topic": "深化医疗服务政策对接",
                     *         "quote": "同级医疗机构检查检验结果互认",
                     *         "scope": "item",
                     *         "reason": "Government-internal cooperation; no application by a resident",
                     *         "items": [
                     *           "GG00105000"
                     *         ]
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["CommitmentDto"][];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_credentialTypes: {
        parameters: {
            query?: {
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": {
                     *           "zh": "居住证",
                     *           "en": "Residence permit"
                     *         },
                     *         "issuer": "公安机关"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["CredentialTypeDto"][];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_listItems: {
        parameters: {
            query?: {
                channel?: "window" | "online" | "self-service";
                /** @description GB/T 2260 city code: items with a route this city receives or administers */
                city?: string;
                /** @description Opaque cursor from a previous page (nextCursor) */
                cursor?: string;
                domain?: "affairs" | "social-insurance" | "medical-settlement" | "credentials" | "other";
                /** @description 事项类型 */
                kind?: "行政许可" | "行政给付" | "行政确认" | "行政裁决" | "行政奖励" | "行政征收" | "其他行政权力" | "公共服务";
                limit?: number;
                /** @description online = 全程网办, proxy = 异地代收代办, joint = 多地联办 */
                mode?: "online" | "proxy" | "joint";
                /** @description Free text, Chinese or English; every space-separated term must match */
                q?: string;
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": "2026.1",
                     *       "items": [
                     *         {
                     *           "code": "GG00101001",
                     *           "name": {
                     *             "zh": "异地长期居住人员就医备案",
                     *             "en": "Registration for medical treatment while living in the other city"
                     *           },
                     *           "kind": "公共服务",
                     *           "domain": "medical-settlement",
                     *           "keywords": [
                     *             "异地就医备案",
                     *             "medical registration"
                     *           ],
                     *           "implements": [
                     *             "P8-2-01",
                     *             "P5-2-05"
                     *           ],
                     *           "implementations": [
                     *             {
                     *               "city": "440100",
                     *               "code": "GG00101001440100001",
                     *               "body": "广州市医疗保障局",
                     *               "localName": "广州市人才绿卡申领"
                     *             }
                     *           ],
                     *           "routes": [
                     *             {
                     *               "from": "440100",
                     *               "to": "440600",
                     *               "receivedBy": "440600",
                     *               "administeredBy": "440100",
                     *               "modes": [
                     *                 "proxy"
                     *               ],
                     *               "channels": [
                     *                 "window",
                     *                 "self-service"
                     *               ]
                     *             }
                     *           ],
                     *           "materials": [
                     *             {
                     *               "id": "residence-proof",
                     *               "required": true,
                     *               "form": "original",
                     *               "replaceableBy": [
                     *                 "RESIDENCE_PERMIT"
                     *               ]
                     *             }
                     *           ],
                     *           "timeLimits": {
                     *             "legal": 20,
                     *             "committed": 5
                     *           },
                     *           "feeFen": 0,
                     *           "version": 2,
                     *           "effectiveFrom": "2026-01-01",
                     *           "effectiveTo": "2027-12-31",
                     *           "plan": [
                     *             {
                     *               "commitment": "P8-2-01",
                     *               "location": "第八章 第二节",
                     *               "sectionTitle": "强化医疗卫生合作",
                     *               "topic": "深化医疗服务政策对接",
                     *               "quote": "扩大广佛间异地就医直接结算联网定点医疗机构数量"
                     *             }
                     *           ]
                     *         }
                     *       ],
                     *       "nextCursor": "eyJ2IjoiMjAyNi4xIiwiYSI6IkdHMDAxMDEwMDEifQ"
                     *     }
                     */
                    "application/json": components["schemas"]["ItemPageDto"];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_getItem: {
        parameters: {
            query?: {
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path: {
                /** @description Base code (基本编码) or implementation code (实施编码) */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "GG00101001",
                     *       "name": {
                     *         "zh": "异地长期居住人员就医备案",
                     *         "en": "Registration for medical treatment while living in the other city"
                     *       },
                     *       "kind": "公共服务",
                     *       "domain": "medical-settlement",
                     *       "keywords": [
                     *         "异地就医备案",
                     *         "medical registration"
                     *       ],
                     *       "implements": [
                     *         "P8-2-01",
                     *         "P5-2-05"
                     *       ],
                     *       "implementations": [
                     *         {
                     *           "city": "440100",
                     *           "code": "GG00101001440100001",
                     *           "body": "广州市医疗保障局",
                     *           "localName": "广州市人才绿卡申领"
                     *         }
                     *       ],
                     *       "routes": [
                     *         {
                     *           "from": "440100",
                     *           "to": "440600",
                     *           "receivedBy": "440600",
                     *           "administeredBy": "440100",
                     *           "modes": [
                     *             "proxy"
                     *           ],
                     *           "channels": [
                     *             "window",
                     *             "self-service"
                     *           ]
                     *         }
                     *       ],
                     *       "materials": [
                     *         {
                     *           "id": "residence-proof",
                     *           "name": {
                     *             "zh": "异地长期居住人员就医备案",
                     *             "en": "Registration for medical treatment while living in the other city"
                     *           },
                     *           "required": true,
                     *           "form": "original",
                     *           "replaceableBy": [
                     *             "RESIDENCE_PERMIT"
                     *           ]
                     *         }
                     *       ],
                     *       "timeLimits": {
                     *         "legal": 20,
                     *         "committed": 5
                     *       },
                     *       "feeFen": 0,
                     *       "version": 2,
                     *       "effectiveFrom": "2026-01-01",
                     *       "effectiveTo": "2027-12-31",
                     *       "plan": [
                     *         {
                     *           "commitment": "P8-2-01",
                     *           "location": "第八章 第二节",
                     *           "sectionTitle": "强化医疗卫生合作",
                     *           "topic": "深化医疗服务政策对接",
                     *           "quote": "扩大广佛间异地就医直接结算联网定点医疗机构数量"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ItemDto"];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_computeDeadline: {
        parameters: {
            query?: {
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path: {
                /** @description Base code (基本编码) or implementation code (实施编码) */
                code: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "start": "2025-09-26",
                 *       "basis": "legal",
                 *       "pauses": [
                 *         {
                 *           "from": "2025-09-29",
                 *           "to": "2025-09-30"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["DeadlineRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": "2026.1",
                     *       "itemCode": "XK00101000",
                     *       "basis": "legal",
                     *       "workingDays": 3,
                     *       "start": "2025-09-26",
                     *       "deadline": "2025-09-30",
                     *       "pausedWorkingDays": 0,
                     *       "timeZone": "Asia/Shanghai",
                     *       "provisional": false,
                     *       "provisionalYears": []
                     *     }
                     */
                    "application/json": components["schemas"]["DeadlineDto"];
                };
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_getMaterials: {
        parameters: {
            query?: {
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path: {
                /** @description Base code (基本编码) or implementation code (实施编码) */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": "2026.1",
                     *       "itemCode": "GG00101001",
                     *       "materials": [
                     *         {
                     *           "id": "residence-proof",
                     *           "name": {
                     *             "zh": "在居住地居住的证明材料",
                     *             "en": "Proof of residence in the other city"
                     *           },
                     *           "required": true,
                     *           "form": "original",
                     *           "replaceableBy": [
                     *             {
                     *               "code": "RESIDENCE_PERMIT",
                     *               "name": {
                     *                 "zh": "居住证",
                     *                 "en": "Residence permit"
                     *               },
                     *               "issuer": "公安机关"
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ItemMaterialsDto"];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_findRoutes: {
        parameters: {
            query?: {
                /** @description Whose authority decides (办理地) */
                administeredBy?: string;
                /** @description Where the application is lodged (收件地) */
                at?: string;
                channel?: "window" | "online" | "self-service";
                domain?: "affairs" | "social-insurance" | "medical-settlement" | "credentials" | "other";
                /** @description The applicant's own city (户籍/参保/持证地) */
                from?: string;
                mode?: "online" | "proxy" | "joint";
                /** @description Free text, Chinese or English */
                q?: string;
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": "2026.1",
                     *       "routes": [
                     *         {
                     *           "itemCode": "GG01003000",
                     *           "itemName": {
                     *             "zh": "异地居住退休人员养老待遇领取资格认证",
                     *             "en": "Pension eligibility confirmation for retirees living in the other city"
                     *           },
                     *           "kind": "公共服务",
                     *           "domain": "social-insurance",
                     *           "from": "440100",
                     *           "to": "440600",
                     *           "receivedBy": "440600",
                     *           "administeredBy": "440100",
                     *           "modes": [
                     *             "proxy"
                     *           ],
                     *           "channels": [
                     *             "window",
                     *             "self-service"
                     *           ],
                     *           "receivingImplementation": "GG01003000440600001",
                     *           "administeringImplementation": "GG01003000440100001"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["RouteListDto"];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_version: {
        parameters: {
            query?: {
                /** @description Catalogue version label; default: the current version */
                version?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": "2026.1",
                     *       "hash": "3f1c…",
                     *       "effectiveFrom": "2026-01-01"
                     *     }
                     */
                    "application/json": components["schemas"]["VersionDto"];
                };
            };
            /** @description Not modified: the request's If-None-Match header matched the ETag of the current answer (no body) */
            304: {
                headers: {
                    /** @description A catalogue version never changes once loaded */
                    "Cache-Control"?: string;
                    /** @description Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CatalogueController_versions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "version": "2026.1",
                     *         "hash": "3f1c…",
                     *         "effectiveFrom": "2026-01-01"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["VersionDto"][];
                };
            };
            /** @description Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown item or catalogue version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CitiesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Registry with peer announcements and whether the catalogues agree */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CredentialsController_listOwn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *           "number": "1144010000750200162026000000426",
                     *           "type": {
                     *             "code": "RESIDENCE_PERMIT",
                     *             "name": "居住证"
                     *           },
                     *           "holder": {
                     *             "name": "陈小明",
                     *             "code": "440106199001010013",
                     *             "codeType": "111"
                     *           },
                     *           "holderAccount": "gz-resident",
                     *           "issuer": {
                     *             "name": "广州市公安局",
                     *             "code": "114401000075020016",
                     *             "city": "440100"
                     *           },
                     *           "issueDate": "2026-11-27",
                     *           "validFrom": "2026-11-27",
                     *           "validTo": "2027-11-26",
                     *           "status": "valid",
                     *           "statusReasonCode": null,
                     *           "statusChangedAt": null,
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "issuedAt": "2026-11-27T08:00:00.000Z",
                     *           "document": {
                     *             "format": "guangfo.credential.v1",
                     *             "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *             "number": "1144010000750200162026000000426",
                     *             "type": {
                     *               "code": "RESIDENCE_PERMIT",
                     *               "name": "居住证"
                     *             },
                     *             "holder": {
                     *               "name": "陈小明",
                     *               "code": "440106199001010013",
                     *               "codeType": "111"
                     *             },
                     *             "issuer": {
                     *               "name": "广州市公安局",
                     *               "code": "114401000075020016",
                     *               "city": "440100"
                     *             },
                     *             "issueDate": "2026-11-27",
                     *             "validFrom": "2026-11-27",
                     *             "validTo": "2027-11-26",
                     *             "proof": {
                     *               "type": "SM2-SM3",
                     *               "keyId": "440100-3f9a0c1d2e4b5a69",
                     *               "signature": "MEUCIQD…base64 DER…"
                     *             }
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialListDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CredentialsController_issue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeat a POST with the same key (and body) to get the same credential back, not a second one (per caller; 1–128 characters of A–Z a–z 0–9 _ . : -) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "typeCode": "RESIDENCE_PERMIT",
                 *       "holder": {
                 *         "name": "陈小明",
                 *         "code": "440106199001010013",
                 *         "codeType": "111"
                 *       },
                 *       "holderAccount": "gz-resident",
                 *       "issuer": {
                 *         "name": "广州市公安局",
                 *         "code": "114401000075020016"
                 *       },
                 *       "issueDate": "2026-11-27",
                 *       "validFrom": "2026-11-27",
                 *       "validTo": "2027-11-26",
                 *       "attributes": {
                 *         "residenceAddressDistrict": "天河区"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["IssueCredentialDto"];
            };
        };
        responses: {
            /** @description A replay of an earlier issue with the same Idempotency-Key and body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "number": "1144010000750200162026000000426",
                     *       "type": {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": "居住证"
                     *       },
                     *       "holder": {
                     *         "name": "陈小明",
                     *         "code": "440106199001010013",
                     *         "codeType": "111"
                     *       },
                     *       "holderAccount": "gz-resident",
                     *       "issuer": {
                     *         "name": "广州市公安局",
                     *         "code": "114401000075020016",
                     *         "city": "440100"
                     *       },
                     *       "issueDate": "2026-11-27",
                     *       "validFrom": "2026-11-27",
                     *       "validTo": "2027-11-26",
                     *       "status": "valid",
                     *       "statusReasonCode": null,
                     *       "statusChangedAt": null,
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "issuedAt": "2026-11-27T08:00:00.000Z",
                     *       "document": {
                     *         "format": "guangfo.credential.v1",
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈小明",
                     *           "code": "440106199001010013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "proof": {
                     *           "type": "SM2-SM3",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "signature": "MEUCIQD…base64 DER…"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialDto"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "number": "1144010000750200162026000000426",
                     *       "type": {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": "居住证"
                     *       },
                     *       "holder": {
                     *         "name": "陈小明",
                     *         "code": "440106199001010013",
                     *         "codeType": "111"
                     *       },
                     *       "holderAccount": "gz-resident",
                     *       "issuer": {
                     *         "name": "广州市公安局",
                     *         "code": "114401000075020016",
                     *         "city": "440100"
                     *       },
                     *       "issueDate": "2026-11-27",
                     *       "validFrom": "2026-11-27",
                     *       "validTo": "2027-11-26",
                     *       "status": "valid",
                     *       "statusReasonCode": null,
                     *       "statusChangedAt": null,
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "issuedAt": "2026-11-27T08:00:00.000Z",
                     *       "document": {
                     *         "format": "guangfo.credential.v1",
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈小明",
                     *           "code": "440106199001010013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "proof": {
                     *           "type": "SM2-SM3",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "signature": "MEUCIQD…base64 DER…"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors), CREDENTIAL_INVALID, CREDENTIAL_IDEMPOTENCY_KEY_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description CREDENTIAL_ISSUER_UNBOUND, CREDENTIAL_ISSUER_MISMATCH, CREDENTIAL_ISSUER_NOT_AUTHORISED
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_IDEMPOTENCY_CONFLICT */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_TYPE_UNKNOWN, CREDENTIAL_NO_KEY_FOR_TYPE */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CredentialsController_get: {
        parameters: {
            query?: {
                /** @description Why the full ID number is needed (staff only; audited). Without it the holder's ID number is masked. IDENTITY_CHECK 窗口当面核对持证人身份 (clerk, supervisor); CORRECTION 更正证照信息 (clerk, supervisor); COMPLAINT_REVIEW 投诉或异议复核 (supervisor); JUDICIAL_ASSISTANCE 司法或监察协查 (supervisor) */
                purpose?: "IDENTITY_CHECK" | "CORRECTION" | "COMPLAINT_REVIEW" | "JUDICIAL_ASSISTANCE";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "number": "1144010000750200162026000000426",
                     *       "type": {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": "居住证"
                     *       },
                     *       "holder": {
                     *         "name": "陈小明",
                     *         "code": "440106199001010013",
                     *         "codeType": "111"
                     *       },
                     *       "holderAccount": "gz-resident",
                     *       "issuer": {
                     *         "name": "广州市公安局",
                     *         "code": "114401000075020016",
                     *         "city": "440100"
                     *       },
                     *       "issueDate": "2026-11-27",
                     *       "validFrom": "2026-11-27",
                     *       "validTo": "2027-11-26",
                     *       "status": "valid",
                     *       "statusReasonCode": null,
                     *       "statusChangedAt": null,
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "issuedAt": "2026-11-27T08:00:00.000Z",
                     *       "document": {
                     *         "format": "guangfo.credential.v1",
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈小明",
                     *           "code": "440106199001010013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "proof": {
                     *           "type": "SM2-SM3",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "signature": "MEUCIQD…base64 DER…"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description CREDENTIAL_NOT_ISSUED_BY_CALLER, CREDENTIAL_PURPOSE_NOT_PERMITTED
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CredentialsController_reinstate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "核查完毕，恢复使用"
                 *     }
                 */
                "application/json": components["schemas"]["ReinstateCredentialDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "number": "1144010000750200162026000000426",
                     *       "type": {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": "居住证"
                     *       },
                     *       "holder": {
                     *         "name": "陈小明",
                     *         "code": "440106199001010013",
                     *         "codeType": "111"
                     *       },
                     *       "holderAccount": "gz-resident",
                     *       "issuer": {
                     *         "name": "广州市公安局",
                     *         "code": "114401000075020016",
                     *         "city": "440100"
                     *       },
                     *       "issueDate": "2026-11-27",
                     *       "validFrom": "2026-11-27",
                     *       "validTo": "2027-11-26",
                     *       "status": "valid",
                     *       "statusReasonCode": null,
                     *       "statusChangedAt": null,
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "issuedAt": "2026-11-27T08:00:00.000Z",
                     *       "document": {
                     *         "format": "guangfo.credential.v1",
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈小明",
                     *           "code": "440106199001010013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "proof": {
                     *           "type": "SM2-SM3",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "signature": "MEUCIQD…base64 DER…"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description CREDENTIAL_NOT_ISSUED_BY_CALLER
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_TRANSITION_NOT_ALLOWED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CredentialsController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reasonCode": "WITHDRAWN",
                 *       "reason": "持证人已迁出，依申请注销"
                 *     }
                 */
                "application/json": components["schemas"]["RevokeCredentialDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "number": "1144010000750200162026000000426",
                     *       "type": {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": "居住证"
                     *       },
                     *       "holder": {
                     *         "name": "陈小明",
                     *         "code": "440106199001010013",
                     *         "codeType": "111"
                     *       },
                     *       "holderAccount": "gz-resident",
                     *       "issuer": {
                     *         "name": "广州市公安局",
                     *         "code": "114401000075020016",
                     *         "city": "440100"
                     *       },
                     *       "issueDate": "2026-11-27",
                     *       "validFrom": "2026-11-27",
                     *       "validTo": "2027-11-26",
                     *       "status": "valid",
                     *       "statusReasonCode": null,
                     *       "statusChangedAt": null,
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "issuedAt": "2026-11-27T08:00:00.000Z",
                     *       "document": {
                     *         "format": "guangfo.credential.v1",
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈小明",
                     *           "code": "440106199001010013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "proof": {
                     *           "type": "SM2-SM3",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "signature": "MEUCIQD…base64 DER…"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description CREDENTIAL_NOT_ISSUED_BY_CALLER
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_TRANSITION_NOT_ALLOWED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CredentialsController_suspend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reasonCode": "UNDER_REVIEW",
                 *       "reason": "核查居住信息期间暂停使用"
                 *     }
                 */
                "application/json": components["schemas"]["SuspendCredentialDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "number": "1144010000750200162026000000426",
                     *       "type": {
                     *         "code": "RESIDENCE_PERMIT",
                     *         "name": "居住证"
                     *       },
                     *       "holder": {
                     *         "name": "陈小明",
                     *         "code": "440106199001010013",
                     *         "codeType": "111"
                     *       },
                     *       "holderAccount": "gz-resident",
                     *       "issuer": {
                     *         "name": "广州市公安局",
                     *         "code": "114401000075020016",
                     *         "city": "440100"
                     *       },
                     *       "issueDate": "2026-11-27",
                     *       "validFrom": "2026-11-27",
                     *       "validTo": "2027-11-26",
                     *       "status": "valid",
                     *       "statusReasonCode": null,
                     *       "statusChangedAt": null,
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "issuedAt": "2026-11-27T08:00:00.000Z",
                     *       "document": {
                     *         "format": "guangfo.credential.v1",
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈小明",
                     *           "code": "440106199001010013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "proof": {
                     *           "type": "SM2-SM3",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "signature": "MEUCIQD…base64 DER…"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description CREDENTIAL_NOT_ISSUED_BY_CALLER
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_TRANSITION_NOT_ALLOWED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    IssuerKeysController_list: {
        parameters: {
            query?: {
                /** @description Only this issuing city */
                city?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "city": "440600",
                     *       "keys": [
                     *         {
                     *           "issuerCity": "440100",
                     *           "keyId": "440100-3f9a0c1d2e4b5a69",
                     *           "algorithm": "SM2-SM3",
                     *           "status": "active",
                     *           "credentialTypes": [
                     *             "RESIDENCE_PERMIT",
                     *             "BUSINESS_LICENSE"
                     *           ],
                     *           "publicKey": "04a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
                     *           "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE…\n-----END PUBLIC KEY-----\n",
                     *           "publishedAt": "2026-11-27T08:00:00.000Z",
                     *           "statusChangedAt": "2026-11-27T08:00:00.000Z"
                     *         }
                     *       ],
                     *       "streams": [
                     *         {
                     *           "issuerCity": "440100",
                     *           "own": false,
                     *           "sequence": 12,
                     *           "highestSeen": 12,
                     *           "asOf": "2026-11-27T08:55:00.000Z",
                     *           "lastCheckpointAt": "2026-11-27T08:55:00.000Z",
                     *           "behind": false
                     *         }
                     *       ],
                     *       "authorities": [
                     *         {
                     *           "issuerCity": "440100",
                     *           "code": "114401000075020016",
                     *           "name": "广州市公安局",
                     *           "credentialTypes": [
                     *             "HOUSEHOLD_REGISTER",
                     *             "RESIDENCE_PERMIT"
                     *           ]
                     *         }
                     *       ],
                     *       "statusMaxAgeSeconds": 3600,
                     *       "staleStatusPolicy": "fail-closed"
                     *     }
                     */
                    "application/json": components["schemas"]["IssuerKeyRegistryDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    IssuerKeysController_retire: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "keyId": "440100-3f9a0c1d2e4b5a69",
                     *       "status": "active",
                     *       "credentialTypes": [
                     *         "RESIDENCE_PERMIT"
                     *       ],
                     *       "createdAt": "2026-11-27T08:00:00.000Z",
                     *       "rotatedAt": null,
                     *       "retiredAt": null
                     *     }
                     */
                    "application/json": components["schemas"]["OwnIssuerKeyDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description ISSUER_KEY_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description ISSUER_KEY_TRANSITION_NOT_ALLOWED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    IssuerKeysController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "credentialTypes": [
                 *         "RESIDENCE_PERMIT",
                 *         "BUSINESS_LICENSE"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["RotateIssuerKeyDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": {
                     *         "keyId": "440100-3f9a0c1d2e4b5a69",
                     *         "status": "active",
                     *         "credentialTypes": [
                     *           "RESIDENCE_PERMIT"
                     *         ],
                     *         "createdAt": "2026-11-27T08:00:00.000Z",
                     *         "rotatedAt": null,
                     *         "retiredAt": null
                     *       },
                     *       "rotated": {
                     *         "keyId": "440100-3f9a0c1d2e4b5a69",
                     *         "status": "active",
                     *         "credentialTypes": [
                     *           "RESIDENCE_PERMIT"
                     *         ],
                     *         "createdAt": "2026-11-27T08:00:00.000Z",
                     *         "rotatedAt": null,
                     *         "retiredAt": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RotationResultDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_TYPE_UNKNOWN */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    IssuerKeysController_checkpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "sequence": 12,
                     *       "occurredAt": "2026-11-27T09:00:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["CheckpointResultDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FilesController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description PDF, JPEG, PNG or OFD, at most 20 MiB
                     */
                    file: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                     *       "sizeBytes": 1048576,
                     *       "mediaType": "application/pdf",
                     *       "fileName": "户口簿.pdf"
                     *     }
                     */
                    "application/json": components["schemas"]["FileUploadedDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FilesController_download: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bytes, with content-type, content-length, x-guangfo-sha256 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InterchangeEventsController_deliver: {
        parameters: {
            query?: never;
            header: {
                /** @description Delivering city code (the events' source city) */
                "x-guangfo-city": string;
                /** @description ISO 8601; at most 5 minutes away */
                "x-guangfo-date": string;
                /** @description Its pinned SM2 key id */
                "x-guangfo-keyid": string;
                /** @description Single use, 16-64 chars */
                "x-guangfo-nonce": string;
                /** @description base64 DER SM2 signature */
                "x-guangfo-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "key": "440100",
                 *       "headers": {
                 *         "ce_specversion": "1.0",
                 *         "ce_id": "6c1f0a8e-3b7d-4d2a-9f4e-1a2b3c4d5e6f",
                 *         "ce_source": "/guangfo/440100/platform",
                 *         "ce_type": "gov.guangfo.platform.node-announced.v1",
                 *         "ce_subject": "440100",
                 *         "ce_time": "2026-11-28T08:00:00.000Z",
                 *         "ce_sigkeyid": "gz-demo-2026",
                 *         "ce_sig": "MEUCIQDx…",
                 *         "content-type": "application/json"
                 *       },
                 *       "value": "{\"nodeVersion\":\"0.1.0\"}"
                 *     }
                 */
                "application/json": components["schemas"]["TransportMessageDto"];
            };
        };
        responses: {
            /** @description The receiver's outcome: the delivery counts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "applied",
                     *       "reasonCode": "SCHEMA_INVALID",
                     *       "reason": "data.nodeVersion: Required"
                     *     }
                     */
                    "application/json": components["schemas"]["DeliveryOutcomeDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request signature: INTERCHANGE_UNSIGNED, INTERCHANGE_SIGNATURE_INVALID (wrong key, or signed for another city), INTERCHANGE_STALE_REQUEST, INTERCHANGE_REPLAYED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN_CITY: the event's source is another city than the delivering one */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description SERVICE_UNAVAILABLE: this node is not consuming yet (starting or stopping); the sender retries */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InterchangeEventsController_deliverBatch: {
        parameters: {
            query?: never;
            header: {
                /** @description Delivering city code (the events' source city) */
                "x-guangfo-city": string;
                /** @description ISO 8601; at most 5 minutes away */
                "x-guangfo-date": string;
                /** @description Its pinned SM2 key id */
                "x-guangfo-keyid": string;
                /** @description Single use, 16-64 chars */
                "x-guangfo-nonce": string;
                /** @description base64 DER SM2 signature */
                "x-guangfo-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "messages": [
                 *         {
                 *           "key": "440100",
                 *           "headers": {
                 *             "ce_specversion": "1.0",
                 *             "ce_id": "6c1f0a8e-3b7d-4d2a-9f4e-1a2b3c4d5e6f",
                 *             "ce_source": "/guangfo/440100/platform",
                 *             "ce_type": "gov.guangfo.platform.node-announced.v1",
                 *             "ce_subject": "440100",
                 *             "ce_time": "2026-11-28T08:00:00.000Z",
                 *             "ce_sigkeyid": "gz-demo-2026",
                 *             "ce_sig": "MEUCIQDx…",
                 *             "content-type": "application/json"
                 *           },
                 *           "value": "{\"nodeVersion\":\"0.1.0\"}"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["DeliveryBatchDto"];
            };
        };
        responses: {
            /** @description The receiver's outcome for each event, in order: the delivered ones count */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "outcomes": [
                     *         {
                     *           "status": "applied",
                     *           "reasonCode": "SCHEMA_INVALID",
                     *           "reason": "data.nodeVersion: Required",
                     *           "code": "FORBIDDEN_CITY",
                     *           "detail": "440100 may deliver only its own events, this one's source is 440600"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["DeliveryBatchAnswerDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request signature: INTERCHANGE_UNSIGNED, INTERCHANGE_SIGNATURE_INVALID (wrong key, or signed for another city), INTERCHANGE_STALE_REQUEST, INTERCHANGE_REPLAYED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: more than 64 messages, or a body over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description SERVICE_UNAVAILABLE: this node is not consuming yet (starting or stopping); the sender retries */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InterchangeFilesController_fetch: {
        parameters: {
            query?: never;
            header: {
                /** @description Requesting city code */
                "x-guangfo-city": string;
                /** @description ISO 8601; at most 5 minutes away */
                "x-guangfo-date": string;
                /** @description Its pinned SM2 key id */
                "x-guangfo-keyid": string;
                /** @description Single use, 16-64 chars */
                "x-guangfo-nonce": string;
                /** @description base64 DER SM2 signature */
                "x-guangfo-signature": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BookingController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d",
                     *           "hospitalCity": "440600",
                     *           "hospitalCode": "H44060400001",
                     *           "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *           "state": "confirmed",
                     *           "refusal": null,
                     *           "reason": null,
                     *           "slot": {
                     *             "department": "心血管内科",
                     *             "startsAt": "2027-01-11T01:00:00.000Z"
                     *           },
                     *           "requestedAt": "2026-03-05T01:00:00.000Z",
                     *           "deadlineAt": "2026-03-05T01:01:00.000Z",
                     *           "answeredAt": "2026-03-05T01:00:01.000Z",
                     *           "lateAnswer": {
                     *             "outcome": "confirmed",
                     *             "at": "2026-03-05T01:02:00.000Z"
                     *           },
                     *           "cancelledAt": null,
                     *           "withdrawnAt": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["BookingPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BookingController_book: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "hospitalCity": "440600",
                 *       "hospitalCode": "H44060400001",
                 *       "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                 *       "person": {
                 *         "idNumber": "440106195501010011",
                 *         "name": "陈老伯"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["BookDto"];
            };
        };
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *       "state": "confirmed",
                     *       "refusal": null,
                     *       "reason": null,
                     *       "slot": {
                     *         "department": "心血管内科",
                     *         "startsAt": "2027-01-11T01:00:00.000Z"
                     *       },
                     *       "requestedAt": "2026-03-05T01:00:00.000Z",
                     *       "deadlineAt": "2026-03-05T01:01:00.000Z",
                     *       "answeredAt": "2026-03-05T01:00:01.000Z",
                     *       "lateAnswer": {
                     *         "outcome": "confirmed",
                     *         "at": "2026-03-05T01:02:00.000Z"
                     *       },
                     *       "cancelledAt": null,
                     *       "withdrawnAt": null
                     *     }
                     */
                    "application/json": components["schemas"]["BookingViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CITY_UNKNOWN, MEDICAL_PERSON_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BookingController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *       "state": "confirmed",
                     *       "refusal": null,
                     *       "reason": null,
                     *       "slot": {
                     *         "department": "心血管内科",
                     *         "startsAt": "2027-01-11T01:00:00.000Z"
                     *       },
                     *       "requestedAt": "2026-03-05T01:00:00.000Z",
                     *       "deadlineAt": "2026-03-05T01:01:00.000Z",
                     *       "answeredAt": "2026-03-05T01:00:01.000Z",
                     *       "lateAnswer": {
                     *         "outcome": "confirmed",
                     *         "at": "2026-03-05T01:02:00.000Z"
                     *       },
                     *       "cancelledAt": null,
                     *       "withdrawnAt": null
                     *     }
                     */
                    "application/json": components["schemas"]["BookingViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_BOOKING_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BookingController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *       "state": "confirmed",
                     *       "refusal": null,
                     *       "reason": null,
                     *       "slot": {
                     *         "department": "心血管内科",
                     *         "startsAt": "2027-01-11T01:00:00.000Z"
                     *       },
                     *       "requestedAt": "2026-03-05T01:00:00.000Z",
                     *       "deadlineAt": "2026-03-05T01:01:00.000Z",
                     *       "answeredAt": "2026-03-05T01:00:01.000Z",
                     *       "lateAnswer": {
                     *         "outcome": "confirmed",
                     *         "at": "2026-03-05T01:02:00.000Z"
                     *       },
                     *       "cancelledAt": null,
                     *       "withdrawnAt": null
                     *     }
                     */
                    "application/json": components["schemas"]["BookingViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_BOOKING_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_BOOKING_NOT_CANCELLABLE */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingApplicationController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                /** @description Only applications in this state (applied: to process) */
                state?: "applied" | "processed" | "reversed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                     *           "hospitalCode": "H44060000001",
                     *           "beginOn": "2026-03-01",
                     *           "endOn": "2026-03-31",
                     *           "state": "applied",
                     *           "totals": {
                     *             "count": 2,
                     *             "medfeeFen": 1937000,
                     *             "fundFen": 1198100,
                     *             "acctFen": 5000,
                     *             "cashFen": 733900,
                     *             "claimFen": 1203100
                     *           },
                     *           "byInsuredCity": {
                     *             "440100": {
                     *               "count": 2,
                     *               "medfeeFen": 1937000,
                     *               "fundFen": 1198100,
                     *               "acctFen": 5000,
                     *               "cashFen": 733900,
                     *               "claimFen": 1203100
                     *             }
                     *           },
                     *           "msgid": "H44060000001202604010900000001",
                     *           "appliedAt": "2026-04-01T01:00:00.000Z",
                     *           "processedAt": null,
                     *           "reversedAt": null,
                     *           "reversalMsgid": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ClearingApplicationPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingApplicationController_apply: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "beginOn": "2026-03-01",
                 *       "endOn": "2026-03-31",
                 *       "msgid": "H44060000001202604010900000001",
                 *       "declared": {
                 *         "count": 2,
                 *         "medfeeFen": 1937000,
                 *         "fundFen": 1198100,
                 *         "acctFen": 5000,
                 *         "cashFen": 733900
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ApplyClearingDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                     *       "hospitalCode": "H44060000001",
                     *       "beginOn": "2026-03-01",
                     *       "endOn": "2026-03-31",
                     *       "state": "applied",
                     *       "totals": {
                     *         "count": 2,
                     *         "medfeeFen": 1937000,
                     *         "fundFen": 1198100,
                     *         "acctFen": 5000,
                     *         "cashFen": 733900,
                     *         "claimFen": 1203100
                     *       },
                     *       "byInsuredCity": {
                     *         "440100": {
                     *           "count": 2,
                     *           "medfeeFen": 1937000,
                     *           "fundFen": 1198100,
                     *           "acctFen": 5000,
                     *           "cashFen": 733900,
                     *           "claimFen": 1203100
                     *         }
                     *       },
                     *       "msgid": "H44060000001202604010900000001",
                     *       "appliedAt": "2026-04-01T01:00:00.000Z",
                     *       "processedAt": null,
                     *       "reversedAt": null,
                     *       "reversalMsgid": null
                     *     }
                     */
                    "application/json": components["schemas"]["ClearingApplicationViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_MSGID_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_MSGID_REUSED, MEDICAL_CLEARING_PERIOD_OVERLAPS */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CLEARING_PERIOD_INVALID, MEDICAL_CLEARING_NOT_RECONCILED, MEDICAL_CLEARING_NOTHING_TO_CLEAR, MEDICAL_CLEARING_AMOUNT_MISMATCH */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingApplicationController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Clearing application id (clr_appy_evt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                     *       "hospitalCode": "H44060000001",
                     *       "beginOn": "2026-03-01",
                     *       "endOn": "2026-03-31",
                     *       "state": "applied",
                     *       "totals": {
                     *         "count": 2,
                     *         "medfeeFen": 1937000,
                     *         "fundFen": 1198100,
                     *         "acctFen": 5000,
                     *         "cashFen": 733900,
                     *         "claimFen": 1203100
                     *       },
                     *       "byInsuredCity": {
                     *         "440100": {
                     *           "count": 2,
                     *           "medfeeFen": 1937000,
                     *           "fundFen": 1198100,
                     *           "acctFen": 5000,
                     *           "cashFen": 733900,
                     *           "claimFen": 1203100
                     *         }
                     *       },
                     *       "msgid": "H44060000001202604010900000001",
                     *       "appliedAt": "2026-04-01T01:00:00.000Z",
                     *       "processedAt": null,
                     *       "reversedAt": null,
                     *       "reversalMsgid": null
                     *     }
                     */
                    "application/json": components["schemas"]["ClearingApplicationViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CLEARING_APPLICATION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingApplicationController_process: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Clearing application id (clr_appy_evt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                     *       "hospitalCode": "H44060000001",
                     *       "beginOn": "2026-03-01",
                     *       "endOn": "2026-03-31",
                     *       "state": "applied",
                     *       "totals": {
                     *         "count": 2,
                     *         "medfeeFen": 1937000,
                     *         "fundFen": 1198100,
                     *         "acctFen": 5000,
                     *         "cashFen": 733900,
                     *         "claimFen": 1203100
                     *       },
                     *       "byInsuredCity": {
                     *         "440100": {
                     *           "count": 2,
                     *           "medfeeFen": 1937000,
                     *           "fundFen": 1198100,
                     *           "acctFen": 5000,
                     *           "cashFen": 733900,
                     *           "claimFen": 1203100
                     *         }
                     *       },
                     *       "msgid": "H44060000001202604010900000001",
                     *       "appliedAt": "2026-04-01T01:00:00.000Z",
                     *       "processedAt": null,
                     *       "reversedAt": null,
                     *       "reversalMsgid": null
                     *     }
                     */
                    "application/json": components["schemas"]["ClearingApplicationViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CLEARING_APPLICATION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CLEARING_APPLICATION_REVERSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingApplicationController_reverse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Clearing application id (clr_appy_evt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "msgid": "H44060000001202604010900000001"
                 *     }
                 */
                "application/json": components["schemas"]["ReverseClearingApplicationDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                     *       "hospitalCode": "H44060000001",
                     *       "beginOn": "2026-03-01",
                     *       "endOn": "2026-03-31",
                     *       "state": "applied",
                     *       "totals": {
                     *         "count": 2,
                     *         "medfeeFen": 1937000,
                     *         "fundFen": 1198100,
                     *         "acctFen": 5000,
                     *         "cashFen": 733900,
                     *         "claimFen": 1203100
                     *       },
                     *       "byInsuredCity": {
                     *         "440100": {
                     *           "count": 2,
                     *           "medfeeFen": 1937000,
                     *           "fundFen": 1198100,
                     *           "acctFen": 5000,
                     *           "cashFen": 733900,
                     *           "claimFen": 1203100
                     *         }
                     *       },
                     *       "msgid": "H44060000001202604010900000001",
                     *       "appliedAt": "2026-04-01T01:00:00.000Z",
                     *       "processedAt": null,
                     *       "reversedAt": null,
                     *       "reversalMsgid": null
                     *     }
                     */
                    "application/json": components["schemas"]["ClearingApplicationViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_MSGID_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CLEARING_APPLICATION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_MSGID_REUSED, MEDICAL_CLEARING_APPLICATION_PROCESSED, MEDICAL_CLEARING_APPLICATION_REVERSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_arriving: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "statementId": "7f8091a2-b3c4-45d6-a7e8-f90a1b2c3d4e",
                     *           "treatingCity": "440600",
                     *           "period": "2026-11",
                     *           "headerArrived": true,
                     *           "chunksArrived": 412,
                     *           "chunkCount": 491,
                     *           "itemCount": 981935,
                     *           "problems": 0,
                     *           "firstAt": "2026-12-01T16:00:02.000Z",
                     *           "lastAt": "2026-12-01T16:00:31.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ArrivingPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                /** @description Only statements of this period (YYYY-MM) */
                period?: string;
                /** @description Only statements in this state */
                state?: "issued" | "contested" | "answered" | "confirmed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                     *           "treatingCity": "440600",
                     *           "insuredCity": "440100",
                     *           "period": "2026-03",
                     *           "role": "treating",
                     *           "state": "issued",
                     *           "totals": {
                     *             "items": 2,
                     *             "claimedFundFen": 1198100,
                     *             "claimedAccountFen": 5000,
                     *             "claimedTotalFen": 1937000,
                     *             "withdrawnFundFen": 0,
                     *             "withdrawnAccountFen": 0,
                     *             "payableFundFen": 1198100,
                     *             "payableAccountFen": 5000,
                     *             "advanceFen": 0,
                     *             "netFen": 1203100
                     *           },
                     *           "proofOk": true,
                     *           "confirmedAt": null,
                     *           "version": 1,
                     *           "itemCount": 1,
                     *           "contests": 0,
                     *           "openContests": 0
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["StatementPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_issue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "insuredCity": "440100",
                 *       "period": "2026-03",
                 *       "advanceFen": 0
                 *     }
                 */
                "application/json": components["schemas"]["IssueStatementDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                     *       "treatingCity": "440600",
                     *       "insuredCity": "440100",
                     *       "period": "2026-03",
                     *       "role": "treating",
                     *       "state": "issued",
                     *       "totals": {
                     *         "items": 2,
                     *         "claimedFundFen": 1198100,
                     *         "claimedAccountFen": 5000,
                     *         "claimedTotalFen": 1937000,
                     *         "withdrawnFundFen": 0,
                     *         "withdrawnAccountFen": 0,
                     *         "payableFundFen": 1198100,
                     *         "payableAccountFen": 5000,
                     *         "advanceFen": 0,
                     *         "netFen": 1203100
                     *       },
                     *       "proof": {
                     *         "ok": true,
                     *         "problems": []
                     *       },
                     *       "confirmedAt": null,
                     *       "version": 1,
                     *       "items": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "claim",
                     *           "fundFen": 1190000,
                     *           "accountFen": 0,
                     *           "totalFen": 1860000,
                     *           "contest": {
                     *             "reason": "AMOUNT_MISMATCH",
                     *             "note": "与参保地记录不符"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["StatementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_EXISTS */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CITY_UNKNOWN */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Statement id (UUID, the same in both cities) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                     *       "treatingCity": "440600",
                     *       "insuredCity": "440100",
                     *       "period": "2026-03",
                     *       "role": "treating",
                     *       "state": "issued",
                     *       "totals": {
                     *         "items": 2,
                     *         "claimedFundFen": 1198100,
                     *         "claimedAccountFen": 5000,
                     *         "claimedTotalFen": 1937000,
                     *         "withdrawnFundFen": 0,
                     *         "withdrawnAccountFen": 0,
                     *         "payableFundFen": 1198100,
                     *         "payableAccountFen": 5000,
                     *         "advanceFen": 0,
                     *         "netFen": 1203100
                     *       },
                     *       "proof": {
                     *         "ok": true,
                     *         "problems": []
                     *       },
                     *       "confirmedAt": null,
                     *       "version": 1,
                     *       "items": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "claim",
                     *           "fundFen": 1190000,
                     *           "accountFen": 0,
                     *           "totalFen": 1860000,
                     *           "contest": {
                     *             "reason": "AMOUNT_MISMATCH",
                     *             "note": "与参保地记录不符"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["StatementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_INCOMPLETE */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_answer: {
        parameters: {
            query?: never;
            header: {
                /** @description The statement version you acted on, as returned in ETag, e.g. "2" */
                "If-Match": string;
            };
            path: {
                /** @description Statement id (UUID, the same in both cities) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                 *       "kind": "claim",
                 *       "outcome": "upheld",
                 *       "note": "已核对费用明细, 金额无误"
                 *     }
                 */
                "application/json": components["schemas"]["AnswerItemDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                     *       "treatingCity": "440600",
                     *       "insuredCity": "440100",
                     *       "period": "2026-03",
                     *       "role": "treating",
                     *       "state": "issued",
                     *       "totals": {
                     *         "items": 2,
                     *         "claimedFundFen": 1198100,
                     *         "claimedAccountFen": 5000,
                     *         "claimedTotalFen": 1937000,
                     *         "withdrawnFundFen": 0,
                     *         "withdrawnAccountFen": 0,
                     *         "payableFundFen": 1198100,
                     *         "payableAccountFen": 5000,
                     *         "advanceFen": 0,
                     *         "netFen": 1203100
                     *       },
                     *       "proof": {
                     *         "ok": true,
                     *         "problems": []
                     *       },
                     *       "confirmedAt": null,
                     *       "version": 1,
                     *       "items": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "claim",
                     *           "fundFen": 1190000,
                     *           "accountFen": 0,
                     *           "totalFen": 1860000,
                     *           "contest": {
                     *             "reason": "AMOUNT_MISMATCH",
                     *             "note": "与参保地记录不符"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["StatementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_YOUR_PART
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_NOT_FOUND, MEDICAL_STATEMENT_ITEM_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_CONFIRMED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRECONDITION_FAILED: the statement changed since that version (reload it) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRECONDITION_REQUIRED: no If-Match */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_confirm: {
        parameters: {
            query?: never;
            header: {
                /** @description The statement version you acted on, as returned in ETag, e.g. "2" */
                "If-Match": string;
            };
            path: {
                /** @description Statement id (UUID, the same in both cities) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                     *       "treatingCity": "440600",
                     *       "insuredCity": "440100",
                     *       "period": "2026-03",
                     *       "role": "treating",
                     *       "state": "issued",
                     *       "totals": {
                     *         "items": 2,
                     *         "claimedFundFen": 1198100,
                     *         "claimedAccountFen": 5000,
                     *         "claimedTotalFen": 1937000,
                     *         "withdrawnFundFen": 0,
                     *         "withdrawnAccountFen": 0,
                     *         "payableFundFen": 1198100,
                     *         "payableAccountFen": 5000,
                     *         "advanceFen": 0,
                     *         "netFen": 1203100
                     *       },
                     *       "proof": {
                     *         "ok": true,
                     *         "problems": []
                     *       },
                     *       "confirmedAt": null,
                     *       "version": 1,
                     *       "items": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "claim",
                     *           "fundFen": 1190000,
                     *           "accountFen": 0,
                     *           "totalFen": 1860000,
                     *           "contest": {
                     *             "reason": "AMOUNT_MISMATCH",
                     *             "note": "与参保地记录不符"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["StatementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_YOUR_PART
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_CONFIRMED, MEDICAL_STATEMENT_OPEN_CONTESTS */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRECONDITION_FAILED: the statement changed since that version (reload it) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRECONDITION_REQUIRED: no If-Match */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_contest: {
        parameters: {
            query?: never;
            header: {
                /** @description The statement version you acted on, as returned in ETag, e.g. "2" */
                "If-Match": string;
            };
            path: {
                /** @description Statement id (UUID, the same in both cities) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                 *       "kind": "claim",
                 *       "reason": "AMOUNT_MISMATCH",
                 *       "note": "与参保地记录不符"
                 *     }
                 */
                "application/json": components["schemas"]["ContestItemDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                     *       "treatingCity": "440600",
                     *       "insuredCity": "440100",
                     *       "period": "2026-03",
                     *       "role": "treating",
                     *       "state": "issued",
                     *       "totals": {
                     *         "items": 2,
                     *         "claimedFundFen": 1198100,
                     *         "claimedAccountFen": 5000,
                     *         "claimedTotalFen": 1937000,
                     *         "withdrawnFundFen": 0,
                     *         "withdrawnAccountFen": 0,
                     *         "payableFundFen": 1198100,
                     *         "payableAccountFen": 5000,
                     *         "advanceFen": 0,
                     *         "netFen": 1203100
                     *       },
                     *       "proof": {
                     *         "ok": true,
                     *         "problems": []
                     *       },
                     *       "confirmedAt": null,
                     *       "version": 1,
                     *       "items": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "claim",
                     *           "fundFen": 1190000,
                     *           "accountFen": 0,
                     *           "totalFen": 1860000,
                     *           "contest": {
                     *             "reason": "AMOUNT_MISMATCH",
                     *             "note": "与参保地记录不符"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["StatementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_YOUR_PART
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_NOT_FOUND, MEDICAL_STATEMENT_ITEM_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_STATEMENT_CONFIRMED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRECONDITION_FAILED: the statement changed since that version (reload it) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRECONDITION_REQUIRED: no If-Match */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalFileController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description 3202 detail file: UTF-8 CSV with its header, at most 20 MiB
                     */
                    file: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "fileId": "0f1e2d3c-4b5a-4697-8877-665544332211",
                     *       "fileName": "3202-detail.csv",
                     *       "sizeBytes": 160,
                     *       "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                     *       "mediaType": "text/csv",
                     *       "purpose": "upload",
                     *       "lines": 2,
                     *       "createdAt": "2026-03-06T01:00:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["HospitalFileViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILE_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalFileController_download: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description File id (file_qury_no): an upload of this hospital or a 3202 resultFileId */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/csv; x-guangfo-sha256 and content-disposition set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FilingController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                /** @description Clerks: registered here (own) or received from the insured city (replica); residents see their own only */
                origin?: "own" | "replica";
                /** @description Only 备案 not cancelled, or cancelled ones */
                status?: "active" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *           "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *           "insuredCity": "440100",
                     *           "treatingCity": "440600",
                     *           "kind": "resettled-retiree",
                     *           "validFrom": "2026-03-02",
                     *           "validTo": null,
                     *           "cancelledOn": null,
                     *           "late": false,
                     *           "recordedAt": "2026-03-02T01:00:00.000Z",
                     *           "person": {
                     *             "name": "陈*伯",
                     *             "idNumber": "440***********0011"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["FilingPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FilingController_register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "kind": "resettled-retiree",
                 *       "treatingCity": "440600",
                 *       "validFrom": "2026-03-02",
                 *       "validTo": null,
                 *       "person": {
                 *         "idNumber": "440106195501010011",
                 *         "name": "陈老伯"
                 *       },
                 *       "accountBalanceFen": 300000
                 *     }
                 */
                "application/json": components["schemas"]["RegisterFilingDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "kind": "resettled-retiree",
                     *       "validFrom": "2026-03-02",
                     *       "validTo": null,
                     *       "cancelledOn": null,
                     *       "late": false,
                     *       "recordedAt": "2026-03-02T01:00:00.000Z",
                     *       "person": {
                     *         "name": "陈*伯",
                     *         "idNumber": "440***********0011"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FilingViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CITY_UNKNOWN, MEDICAL_TREATING_CITY_INVALID, MEDICAL_PERSON_INVALID, MEDICAL_FILING_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_POLICY_MISSING */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FilingController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 备案 id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "kind": "resettled-retiree",
                     *       "validFrom": "2026-03-02",
                     *       "validTo": null,
                     *       "cancelledOn": null,
                     *       "late": false,
                     *       "recordedAt": "2026-03-02T01:00:00.000Z",
                     *       "person": {
                     *         "name": "陈*伯",
                     *         "idNumber": "440***********0011"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FilingViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILING_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FilingController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 备案 id (UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "cancelledOn": "2026-09-01"
                 *     }
                 */
                "application/json": components["schemas"]["CancelFilingDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "kind": "resettled-retiree",
                     *       "validFrom": "2026-03-02",
                     *       "validTo": null,
                     *       "cancelledOn": null,
                     *       "late": false,
                     *       "recordedAt": "2026-03-02T01:00:00.000Z",
                     *       "person": {
                     *         "name": "陈*伯",
                     *         "idNumber": "440***********0011"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FilingViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILING_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILING_ALREADY_CANCELLED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_accessLog: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "requestId": "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b",
                     *           "at": "2026-03-05T01:30:00.000Z",
                     *           "hospitalCity": "440600",
                     *           "hospitalCode": "H440600000001",
                     *           "hospitalName": "佛山示范医院",
                     *           "purpose": "treatment",
                     *           "outcome": "shared",
                     *           "refusal": null,
                     *           "consentId": "4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["HealthRecordAccessPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_consents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "id": "4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c",
                     *         "hospitalCity": "440600",
                     *         "hospitalCode": "H440600000001",
                     *         "purpose": "treatment",
                     *         "expiresAt": "2026-06-30T16:00:00.000Z",
                     *         "grantedAt": "2026-03-05T01:00:00.000Z",
                     *         "revokedAt": null,
                     *         "state": "valid"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["ConsentViewDto"][];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_grant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "hospitalCity": "440600",
                 *       "hospitalCode": "H440600000001",
                 *       "purpose": "treatment",
                 *       "expiresAt": "2026-06-30T16:00:00.000Z"
                 *     }
                 */
                "application/json": components["schemas"]["GrantConsentDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H440600000001",
                     *       "purpose": "treatment",
                     *       "expiresAt": "2026-06-30T16:00:00.000Z",
                     *       "grantedAt": "2026-03-05T01:00:00.000Z",
                     *       "revokedAt": null,
                     *       "state": "valid"
                     *     }
                     */
                    "application/json": components["schemas"]["ConsentViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CONSENT_INVALID, MEDICAL_PERSON_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consent id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H440600000001",
                     *       "purpose": "treatment",
                     *       "expiresAt": "2026-06-30T16:00:00.000Z",
                     *       "grantedAt": "2026-03-05T01:00:00.000Z",
                     *       "revokedAt": null,
                     *       "state": "valid"
                     *     }
                     */
                    "application/json": components["schemas"]["ConsentViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CONSENT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_request: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "patientCity": "440100",
                 *       "idNumber": "440106195501010011",
                 *       "purpose": "treatment"
                 *     }
                 */
                "application/json": components["schemas"]["RequestHealthSummaryDto"];
            };
        };
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b",
                     *       "patientCity": "440100",
                     *       "purpose": "treatment",
                     *       "state": "shared",
                     *       "refusal": null,
                     *       "requestedAt": "2026-03-05T01:30:00.000Z",
                     *       "answeredAt": "2026-03-05T01:30:01.000Z",
                     *       "consentExpiresAt": "2026-06-30T16:00:00.000Z",
                     *       "summary": {
                     *         "bloodType": "A+",
                     *         "allergies": [
                     *           "青霉素"
                     *         ],
                     *         "conditions": [
                     *           "高血压"
                     *         ],
                     *         "medications": [
                     *           "氨氯地平 5mg qd"
                     *         ],
                     *         "updatedOn": "2026-02-20"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HealthRequestViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CITY_UNKNOWN, MEDICAL_PERSON_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Request id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b",
                     *       "patientCity": "440100",
                     *       "purpose": "treatment",
                     *       "state": "shared",
                     *       "refusal": null,
                     *       "requestedAt": "2026-03-05T01:30:00.000Z",
                     *       "answeredAt": "2026-03-05T01:30:01.000Z",
                     *       "consentExpiresAt": "2026-06-30T16:00:00.000Z",
                     *       "summary": {
                     *         "bloodType": "A+",
                     *         "allergies": [
                     *           "青霉素"
                     *         ],
                     *         "conditions": [
                     *           "高血压"
                     *         ],
                     *         "medications": [
                     *           "氨氯地平 5mg qd"
                     *         ],
                     *         "updatedOn": "2026-02-20"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HealthRequestViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_HEALTH_REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthRecordController_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106195501010011",
                 *       "name": "陈老伯",
                 *       "summary": {
                 *         "bloodType": "A+",
                 *         "allergies": [
                 *           "青霉素"
                 *         ],
                 *         "conditions": [
                 *           "高血压"
                 *         ],
                 *         "medications": [
                 *           "氨氯地平 5mg qd"
                 *         ],
                 *         "updatedOn": "2026-02-20"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["PutHealthSummaryDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
                     *     }
                     */
                    "application/json": components["schemas"]["PersonRefDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_PERSON_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_hospitalSettlements: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The hospital’s institution code (the one the key is bound to) */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "visitId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *           "state": "settled",
                     *           "insuredCity": "440100",
                     *           "treatingCity": "440600",
                     *           "hospitalCode": "H44060400001",
                     *           "hospitalLevel": "tertiary",
                     *           "visitType": "outpatient",
                     *           "standing": "resettled-retiree",
                     *           "ratioBp": 6000,
                     *           "settledOn": "2026-03-05",
                     *           "reversedOn": null,
                     *           "totals": {
                     *             "medfee_sumamt": 77000,
                     *             "fulamt_ownpay_amt": 51000,
                     *             "overlmt_selfpay": 500,
                     *             "preselfpay_amt": 2000,
                     *             "inscp_scp_amt": 23500,
                     *             "act_pay_dedc": 10000,
                     *             "hifp_pay": 8100,
                     *             "fund_pay_sumamt": 8100,
                     *             "acct_pay": 5000,
                     *             "psn_cash_pay": 63900
                     *           },
                     *           "shortfall": {
                     *             "fen": 3100,
                     *             "reason": "FUND_ALLOWANCE_EXHAUSTED",
                     *             "explain": "本人在就医地的统筹基金额度不足, 3100 分转由个人负担"
                     *           },
                     *           "lines": [
                     *             {
                     *               "lineNo": 3,
                     *               "code": "B-001",
                     *               "class": "B",
                     *               "amountFen": 20000,
                     *               "fullOwnPayFen": 0,
                     *               "overLimitFen": 0,
                     *               "preSelfPayFen": 2000,
                     *               "inScopeFen": 18000,
                     *               "deductibleFen": 4500,
                     *               "fundFen": 8100,
                     *               "accountFen": 0,
                     *               "cashFen": 11900,
                     *               "reasons": [
                     *                 "CLASS_B_SELF_PAY_SHARE",
                     *                 "DEDUCTIBLE",
                     *                 "CO_PAYMENT"
                     *               ],
                     *               "explain": [
                     *                 "乙类, 先行自付 10% = 20.00 元 (四舍五入到分)",
                     *                 "乙类, 符合范围 180.00 元"
                     *               ]
                     *             }
                     *           ],
                     *           "policyVersion": "demo-2026.1",
                     *           "catalogueVersion": "demo-2026.1",
                     *           "msgid": "H44060400001202603050930150001"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["SettlementPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL, MEDICAL_NOT_YOUR_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_envelope: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "infno": "2207",
                 *       "msgid": "H44060400001202603050930150001",
                 *       "mdtrtarea_admvs": "440600",
                 *       "insuplc_admdvs": "440100",
                 *       "signtype": "SM2",
                 *       "input": {
                 *         "data": {
                 *           "mdtrt_id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                 *           "acct_used_flag": "1"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["NationalEnvelopeDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "infcode": 0,
                     *       "inf_refmsgid": "a8b9c0d1-e2f3-4a5b-8c6d-7e8f9a0b1c2d",
                     *       "refmsg_time": "20260305093016123",
                     *       "err_msg": "",
                     *       "output": {
                     *         "setlinfo": {
                     *           "setl_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "medfee_sumamt": 770,
                     *           "hifp_pay": 81,
                     *           "acct_pay": 50,
                     *           "psn_cash_pay": 639
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NationalReplyDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_REQUEST, MEDICAL_INFNO_UNSUPPORTED, MEDICAL_MSGID_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_AREA_MISMATCH, MEDICAL_NOT_REGISTERED, MEDICAL_FEE_LINES_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalFileController_person: {
        parameters: {
            query?: {
                /** @description Calendar year (default: this year) */
                year?: number;
            };
            header?: never;
            path: {
                /** @description The person id (psn_no) 1101 answered */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "personId": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
                     *       "insuredCity": "440100",
                     *       "year": 2026,
                     *       "policyVersion": "gz-demo-2026",
                     *       "pots": [
                     *         {
                     *           "pot": "hifp",
                     *           "insuredCity": {
                     *             "capFen": 60000000,
                     *             "grantedFen": 5000000
                     *           },
                     *           "treatingCity": {
                     *             "consumedFen": 8100,
                     *             "returnedFen": 0,
                     *             "availableFen": 4991900,
                     *             "topUpRequested": false
                     *           },
                     *           "elsewhereAtMostFen": 55000000
                     *         }
                     *       ],
                     *       "settledHere": {
                     *         "count": 1,
                     *         "medfeeFen": 77000,
                     *         "fundFen": 8100,
                     *         "acctFen": 5000,
                     *         "cashFen": 63900
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CumulativeViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_PERSON_INVALID, MEDICAL_NOT_REGISTERED */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_person: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106195501010011"
                 *     }
                 */
                "application/json": components["schemas"]["PersonQueryDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "insuredCity": "440100",
                     *       "name": "陈*伯",
                     *       "idNumber": "440***********0011",
                     *       "filings": [
                     *         {
                     *           "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *           "kind": "resettled-retiree",
                     *           "validFrom": "2026-03-02",
                     *           "validTo": null,
                     *           "cancelledOn": null,
                     *           "coversToday": true
                     *         }
                     *       ],
                     *       "allowance": {
                     *         "year": 2026,
                     *         "fundAvailableFen": 5000000,
                     *         "accountAvailableFen": 300000
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["PersonInfoDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_PERSON_INVALID, MEDICAL_NOT_REGISTERED */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_details: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "day": "2026-03-05",
                 *       "file": "setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay\n9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a,settlement,18600.00,11900.00,0.00,6700.00\n",
                 *       "fileId": "0f1e2d3c-4b5a-4697-8877-665544332211"
                 *     }
                 */
                "application/json": components["schemas"]["DetailReconciliationDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
                     *       "infno": "3201",
                     *       "day": "2026-03-05",
                     *       "matched": true,
                     *       "agency": {
                     *         "count": 1,
                     *         "medfeeFen": 1860000,
                     *         "fundFen": 1190000,
                     *         "acctFen": 0,
                     *         "cashFen": 670000
                     *       },
                     *       "totalsMismatches": [
                     *         {
                     *           "field": "fundFen",
                     *           "hospital": 1190000,
                     *           "agency": 1198100
                     *         }
                     *       ],
                     *       "detailMismatches": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "reversal",
                     *           "reason": "MISSING_AT_HOSPITAL",
                     *           "fields": [
                     *             "fundFen"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ReconciliationViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FILE_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClearingController_totals: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "day": "2026-03-05",
                 *       "totals": {
                 *         "count": 1,
                 *         "medfeeFen": 1860000,
                 *         "fundFen": 1190000,
                 *         "acctFen": 0,
                 *         "cashFen": 670000
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["TotalsReconciliationDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
                     *       "infno": "3201",
                     *       "day": "2026-03-05",
                     *       "matched": true,
                     *       "agency": {
                     *         "count": 1,
                     *         "medfeeFen": 1860000,
                     *         "fundFen": 1190000,
                     *         "acctFen": 0,
                     *         "cashFen": 670000
                     *       },
                     *       "totalsMismatches": [
                     *         {
                     *           "field": "fundFen",
                     *           "hospital": 1190000,
                     *           "agency": 1198100
                     *         }
                     *       ],
                     *       "detailMismatches": [
                     *         {
                     *           "settlementId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *           "kind": "reversal",
                     *           "reason": "MISSING_AT_HOSPITAL",
                     *           "fields": [
                     *             "fundFen"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ReconciliationViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_settlement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Settlement id (setl_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *       "visitId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "state": "settled",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "hospitalLevel": "tertiary",
                     *       "visitType": "outpatient",
                     *       "standing": "resettled-retiree",
                     *       "ratioBp": 6000,
                     *       "settledOn": "2026-03-05",
                     *       "reversedOn": null,
                     *       "totals": {
                     *         "medfee_sumamt": 77000,
                     *         "fulamt_ownpay_amt": 51000,
                     *         "overlmt_selfpay": 500,
                     *         "preselfpay_amt": 2000,
                     *         "inscp_scp_amt": 23500,
                     *         "act_pay_dedc": 10000,
                     *         "hifp_pay": 8100,
                     *         "fund_pay_sumamt": 8100,
                     *         "acct_pay": 5000,
                     *         "psn_cash_pay": 63900
                     *       },
                     *       "shortfall": {
                     *         "fen": 3100,
                     *         "reason": "FUND_ALLOWANCE_EXHAUSTED",
                     *         "explain": "本人在就医地的统筹基金额度不足, 3100 分转由个人负担"
                     *       },
                     *       "lines": [
                     *         {
                     *           "lineNo": 3,
                     *           "code": "B-001",
                     *           "class": "B",
                     *           "amountFen": 20000,
                     *           "fullOwnPayFen": 0,
                     *           "overLimitFen": 0,
                     *           "preSelfPayFen": 2000,
                     *           "inScopeFen": 18000,
                     *           "deductibleFen": 4500,
                     *           "fundFen": 8100,
                     *           "accountFen": 0,
                     *           "cashFen": 11900,
                     *           "reasons": [
                     *             "CLASS_B_SELF_PAY_SHARE",
                     *             "DEDUCTIBLE",
                     *             "CO_PAYMENT"
                     *           ],
                     *           "explain": [
                     *             "乙类, 先行自付 10% = 20.00 元 (四舍五入到分)",
                     *             "乙类, 符合范围 180.00 元"
                     *           ]
                     *         }
                     *       ],
                     *       "policyVersion": "demo-2026.1",
                     *       "catalogueVersion": "demo-2026.1",
                     *       "msgid": "H44060400001202603050930150001"
                     *     }
                     */
                    "application/json": components["schemas"]["SettlementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SETTLEMENT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_reverse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Settlement id (setl_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "msgid": "H44060400001202603051000000002"
                 *     }
                 */
                "application/json": components["schemas"]["ReverseDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *       "visitId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "state": "settled",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "hospitalLevel": "tertiary",
                     *       "visitType": "outpatient",
                     *       "standing": "resettled-retiree",
                     *       "ratioBp": 6000,
                     *       "settledOn": "2026-03-05",
                     *       "reversedOn": null,
                     *       "totals": {
                     *         "medfee_sumamt": 77000,
                     *         "fulamt_ownpay_amt": 51000,
                     *         "overlmt_selfpay": 500,
                     *         "preselfpay_amt": 2000,
                     *         "inscp_scp_amt": 23500,
                     *         "act_pay_dedc": 10000,
                     *         "hifp_pay": 8100,
                     *         "fund_pay_sumamt": 8100,
                     *         "acct_pay": 5000,
                     *         "psn_cash_pay": 63900
                     *       },
                     *       "shortfall": {
                     *         "fen": 3100,
                     *         "reason": "FUND_ALLOWANCE_EXHAUSTED",
                     *         "explain": "本人在就医地的统筹基金额度不足, 3100 分转由个人负担"
                     *       },
                     *       "lines": [
                     *         {
                     *           "lineNo": 3,
                     *           "code": "B-001",
                     *           "class": "B",
                     *           "amountFen": 20000,
                     *           "fullOwnPayFen": 0,
                     *           "overLimitFen": 0,
                     *           "preSelfPayFen": 2000,
                     *           "inScopeFen": 18000,
                     *           "deductibleFen": 4500,
                     *           "fundFen": 8100,
                     *           "accountFen": 0,
                     *           "cashFen": 11900,
                     *           "reasons": [
                     *             "CLASS_B_SELF_PAY_SHARE",
                     *             "DEDUCTIBLE",
                     *             "CO_PAYMENT"
                     *           ],
                     *           "explain": [
                     *             "乙类, 先行自付 10% = 20.00 元 (四舍五入到分)",
                     *             "乙类, 符合范围 180.00 元"
                     *           ]
                     *         }
                     *       ],
                     *       "policyVersion": "demo-2026.1",
                     *       "catalogueVersion": "demo-2026.1",
                     *       "msgid": "H44060400001202603050930150001"
                     *     }
                     */
                    "application/json": components["schemas"]["SettlementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_MSGID_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SETTLEMENT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_ALREADY_REVERSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SlotController_list: {
        parameters: {
            query: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                department?: string;
                /** @description Slots starting at or after this instant (default now) */
                from?: string;
                /** @description The hospitals’ city (another city) */
                hospitalCity: string;
                hospitalCode?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *           "hospitalCity": "440600",
                     *           "hospitalCode": "H44060400001",
                     *           "hospitalName": "佛山示范医院",
                     *           "hospitalLevel": "tertiary",
                     *           "department": "心血管内科",
                     *           "startsAt": "2027-01-11T01:00:00.000Z",
                     *           "capacity": 20,
                     *           "remaining": 17,
                     *           "withdrawn": {
                     *             "at": "2027-01-08T02:00:00.000Z",
                     *             "reason": "专家停诊"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["SlotPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_CITY_UNKNOWN */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SlotController_offer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "department": "心血管内科",
                 *       "startsAt": "2027-01-11T01:00:00.000Z",
                 *       "capacity": 20
                 *     }
                 */
                "application/json": components["schemas"]["OfferSlotDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "hospitalName": "佛山示范医院",
                     *       "hospitalLevel": "tertiary",
                     *       "department": "心血管内科",
                     *       "startsAt": "2027-01-11T01:00:00.000Z",
                     *       "capacity": 20,
                     *       "remaining": 17,
                     *       "withdrawn": {
                     *         "at": "2027-01-08T02:00:00.000Z",
                     *         "reason": "专家停诊"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["SlotViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SLOT_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SlotController_holds: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "bookingId": "5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d",
                     *           "patientCity": "440100",
                     *           "patient": {
                     *             "name": "陈*伯",
                     *             "idNumber": "440***********0011"
                     *           },
                     *           "confirmedAt": "2027-01-05T01:00:01.000Z",
                     *           "releasedAt": null
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["SlotHoldPageDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_INVALID_CURSOR */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SLOT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SlotController_withdraw: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reason": "专家停诊"
                 *     }
                 */
                "application/json": components["schemas"]["WithdrawSlotDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "slotId": "1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f",
                     *       "hospitalCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "hospitalName": "佛山示范医院",
                     *       "hospitalLevel": "tertiary",
                     *       "department": "心血管内科",
                     *       "startsAt": "2027-01-11T01:00:00.000Z",
                     *       "capacity": 20,
                     *       "remaining": 17,
                     *       "withdrawn": {
                     *         "at": "2027-01-08T02:00:00.000Z",
                     *         "reason": "专家停诊"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["SlotViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SLOT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SLOT_STARTED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_SLOT_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_registerVisit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106195501010011",
                 *       "visitType": "outpatient",
                 *       "begunOn": "2026-03-05",
                 *       "msgid": "H44060400001202603050930150001",
                 *       "insuredCity": "440100"
                 *     }
                 */
                "application/json": components["schemas"]["RegisterVisitDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "hospitalCode": "H44060400001",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "filingId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "insuredCity": "440100",
                     *       "visitType": "outpatient",
                     *       "begunOn": "2026-03-05",
                     *       "state": "open",
                     *       "msgid": "H44060400001202603050930150001",
                     *       "lines": [
                     *         {
                     *           "lineNo": 1,
                     *           "code": "A-001",
                     *           "name": "阿莫西林胶囊",
                     *           "quantity": 2,
                     *           "unitPriceFen": 1500
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["VisitViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_MSGID_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_MSGID_REUSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_PERSON_INVALID, MEDICAL_NOT_REGISTERED, MEDICAL_AREA_MISMATCH */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_visit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "hospitalCode": "H44060400001",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "filingId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "insuredCity": "440100",
                     *       "visitType": "outpatient",
                     *       "begunOn": "2026-03-05",
                     *       "state": "open",
                     *       "msgid": "H44060400001202603050930150001",
                     *       "lines": [
                     *         {
                     *           "lineNo": 1,
                     *           "code": "A-001",
                     *           "name": "阿莫西林胶囊",
                     *           "quantity": 2,
                     *           "unitPriceFen": 1500
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["VisitViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_cancelVisit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "hospitalCode": "H44060400001",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "filingId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "insuredCity": "440100",
                     *       "visitType": "outpatient",
                     *       "begunOn": "2026-03-05",
                     *       "state": "open",
                     *       "msgid": "H44060400001202603050930150001",
                     *       "lines": [
                     *         {
                     *           "lineNo": 1,
                     *           "code": "A-001",
                     *           "name": "阿莫西林胶囊",
                     *           "quantity": 2,
                     *           "unitPriceFen": 1500
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["VisitViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_OPEN */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "lines": [
                 *         {
                 *           "lineNo": 1,
                 *           "code": "A-001",
                 *           "name": "阿莫西林胶囊",
                 *           "quantity": 2,
                 *           "unitPriceFen": 1500
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["FeeLinesDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "hospitalCode": "H44060400001",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "filingId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "insuredCity": "440100",
                     *       "visitType": "outpatient",
                     *       "begunOn": "2026-03-05",
                     *       "state": "open",
                     *       "msgid": "H44060400001202603050930150001",
                     *       "lines": [
                     *         {
                     *           "lineNo": 1,
                     *           "code": "A-001",
                     *           "name": "阿莫西林胶囊",
                     *           "quantity": 2,
                     *           "unitPriceFen": 1500
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["VisitViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_OPEN */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_FEE_LINES_INVALID */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_withdraw: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "lineNos": [
                 *         2
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["WithdrawLinesDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "hospitalCode": "H44060400001",
                     *       "personId": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                     *       "filingId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "insuredCity": "440100",
                     *       "visitType": "outpatient",
                     *       "begunOn": "2026-03-05",
                     *       "state": "open",
                     *       "msgid": "H44060400001202603050930150001",
                     *       "lines": [
                     *         {
                     *           "lineNo": 1,
                     *           "code": "A-001",
                     *           "name": "阿莫西林胶囊",
                     *           "quantity": 2,
                     *           "unitPriceFen": 1500
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["VisitViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_OPEN */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_preSettle: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "useAccount": true
                 *     }
                 */
                "application/json": components["schemas"]["PreSettleDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *       "visitId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "state": "settled",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "hospitalLevel": "tertiary",
                     *       "visitType": "outpatient",
                     *       "standing": "resettled-retiree",
                     *       "ratioBp": 6000,
                     *       "settledOn": "2026-03-05",
                     *       "reversedOn": null,
                     *       "totals": {
                     *         "medfee_sumamt": 77000,
                     *         "fulamt_ownpay_amt": 51000,
                     *         "overlmt_selfpay": 500,
                     *         "preselfpay_amt": 2000,
                     *         "inscp_scp_amt": 23500,
                     *         "act_pay_dedc": 10000,
                     *         "hifp_pay": 8100,
                     *         "fund_pay_sumamt": 8100,
                     *         "acct_pay": 5000,
                     *         "psn_cash_pay": 63900
                     *       },
                     *       "shortfall": {
                     *         "fen": 3100,
                     *         "reason": "FUND_ALLOWANCE_EXHAUSTED",
                     *         "explain": "本人在就医地的统筹基金额度不足, 3100 分转由个人负担"
                     *       },
                     *       "lines": [
                     *         {
                     *           "lineNo": 3,
                     *           "code": "B-001",
                     *           "class": "B",
                     *           "amountFen": 20000,
                     *           "fullOwnPayFen": 0,
                     *           "overLimitFen": 0,
                     *           "preSelfPayFen": 2000,
                     *           "inScopeFen": 18000,
                     *           "deductibleFen": 4500,
                     *           "fundFen": 8100,
                     *           "accountFen": 0,
                     *           "cashFen": 11900,
                     *           "reasons": [
                     *             "CLASS_B_SELF_PAY_SHARE",
                     *             "DEDUCTIBLE",
                     *             "CO_PAYMENT"
                     *           ],
                     *           "explain": [
                     *             "乙类, 先行自付 10% = 20.00 元 (四舍五入到分)",
                     *             "乙类, 符合范围 180.00 元"
                     *           ]
                     *         }
                     *       ],
                     *       "policyVersion": "demo-2026.1",
                     *       "catalogueVersion": "demo-2026.1",
                     *       "msgid": "H44060400001202603050930150001"
                     *     }
                     */
                    "application/json": components["schemas"]["SettlementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_OPEN */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_NO_FEE_LINES, MEDICAL_NOT_REGISTERED */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_POLICY_MISSING, MEDICAL_CATALOGUE_MISSING */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_settle: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "msgid": "H44060400001202603050930150001",
                 *       "useAccount": true
                 *     }
                 */
                "application/json": components["schemas"]["SettleDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                     *       "visitId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "state": "settled",
                     *       "insuredCity": "440100",
                     *       "treatingCity": "440600",
                     *       "hospitalCode": "H44060400001",
                     *       "hospitalLevel": "tertiary",
                     *       "visitType": "outpatient",
                     *       "standing": "resettled-retiree",
                     *       "ratioBp": 6000,
                     *       "settledOn": "2026-03-05",
                     *       "reversedOn": null,
                     *       "totals": {
                     *         "medfee_sumamt": 77000,
                     *         "fulamt_ownpay_amt": 51000,
                     *         "overlmt_selfpay": 500,
                     *         "preselfpay_amt": 2000,
                     *         "inscp_scp_amt": 23500,
                     *         "act_pay_dedc": 10000,
                     *         "hifp_pay": 8100,
                     *         "fund_pay_sumamt": 8100,
                     *         "acct_pay": 5000,
                     *         "psn_cash_pay": 63900
                     *       },
                     *       "shortfall": {
                     *         "fen": 3100,
                     *         "reason": "FUND_ALLOWANCE_EXHAUSTED",
                     *         "explain": "本人在就医地的统筹基金额度不足, 3100 分转由个人负担"
                     *       },
                     *       "lines": [
                     *         {
                     *           "lineNo": 3,
                     *           "code": "B-001",
                     *           "class": "B",
                     *           "amountFen": 20000,
                     *           "fullOwnPayFen": 0,
                     *           "overLimitFen": 0,
                     *           "preSelfPayFen": 2000,
                     *           "inScopeFen": 18000,
                     *           "deductibleFen": 4500,
                     *           "fundFen": 8100,
                     *           "accountFen": 0,
                     *           "cashFen": 11900,
                     *           "reasons": [
                     *             "CLASS_B_SELF_PAY_SHARE",
                     *             "DEDUCTIBLE",
                     *             "CO_PAYMENT"
                     *           ],
                     *           "explain": [
                     *             "乙类, 先行自付 10% = 20.00 元 (四舍五入到分)",
                     *             "乙类, 符合范围 180.00 元"
                     *           ]
                     *         }
                     *       ],
                     *       "policyVersion": "demo-2026.1",
                     *       "catalogueVersion": "demo-2026.1",
                     *       "msgid": "H44060400001202603050930150001"
                     *     }
                     */
                    "application/json": components["schemas"]["SettlementViewDto"];
                };
            };
            /** @description VALIDATION_FAILED, MEDICAL_MSGID_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_MSGID_REUSED, MEDICAL_VISIT_NOT_OPEN */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_NO_FEE_LINES, MEDICAL_NOT_REGISTERED */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_POLICY_MISSING, MEDICAL_CATALOGUE_MISSING */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HospitalController_recogniseTestResult: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Visit id (mdtrt_id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "credential": {
                 *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                 *         "type": {
                 *           "code": "MEDICAL_TEST_REPORT"
                 *         },
                 *         "proof": {
                 *           "keyId": "440100-0123456789abcdef"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["PresentTestResultDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
                     *       "visitId": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
                     *       "recognised": true,
                     *       "reasons": [],
                     *       "warnings": [],
                     *       "checkedAt": "2026-03-05T01:30:00.000Z",
                     *       "credential": {
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "44010026MEDICAL_TEST_REPORT0000001",
                     *         "type": "MEDICAL_TEST_REPORT",
                     *         "issuerCity": "440100",
                     *         "issuerName": "广州示范检验中心",
                     *         "issuedOn": "2026-03-01"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["TestResultViewDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description MEDICAL_NOT_A_HOSPITAL
             *
             *     Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description MEDICAL_VISIT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PresentationsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "credentialId": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                 *       "verifier": {
                 *         "kind": "partner",
                 *         "city": "440600",
                 *         "id": "demo-bank-fs",
                 *         "hall": "FS-CC-01"
                 *       },
                 *       "purpose": "开立账户核验居住证",
                 *       "ttlSeconds": 600,
                 *       "singleUse": true
                 *     }
                 */
                "application/json": components["schemas"]["CreatePresentationDto"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "presentationId": "7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
                     *       "credentialId": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *       "verifier": {
                     *         "kind": "partner",
                     *         "city": "440600",
                     *         "id": "demo-bank-fs"
                     *       },
                     *       "purpose": "开立账户核验居住证",
                     *       "singleUse": true,
                     *       "createdAt": "2026-11-27T09:00:00.000Z",
                     *       "expiresAt": "2026-11-27T09:10:00.000Z",
                     *       "token": "eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…",
                     *       "qrPayload": "GFTB-VP1:eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…"
                     *     }
                     */
                    "application/json": components["schemas"]["PresentationDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors), PRESENTATION_TTL_TOO_LONG */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CREDENTIAL_NOT_PRESENTABLE */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PRESENTATION_VERIFIER_UNKNOWN */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PresentationsController_accessLog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "verificationId": "5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21",
                     *           "verifiedAt": "2026-11-27T09:02:11.000Z",
                     *           "verifier": {
                     *             "kind": "partner",
                     *             "city": "440600",
                     *             "id": "demo-bank-fs",
                     *             "name": "佛山示范银行"
                     *           },
                     *           "credential": {
                     *             "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *             "type": "RESIDENCE_PERMIT",
                     *             "number": "1144010000750200162026000000426"
                     *           },
                     *           "presentationId": "7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
                     *           "purpose": "开立账户核验居住证",
                     *           "valid": true,
                     *           "reasons": []
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["AccessLogDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    RemediationController_list: {
        parameters: {
            query?: {
                limit?: number;
                status?: "open" | "closed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "itemCode": "XK00201000",
                     *           "rating": 2,
                     *           "level": "dissatisfied",
                     *           "comment": "等待时间较长",
                     *           "dueDate": "2026-10-21",
                     *           "provisional": false,
                     *           "overdue": false,
                     *           "status": "open",
                     *           "followUp": {
                     *             "rating": 4,
                     *             "satisfied": true,
                     *             "afterResolution": true,
                     *             "at": "2026-10-20T03:00:00.000Z"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["RemediationPageDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    RemediationController_resolve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "resolution": "已回访申请人并说明延误原因，优化预约流程"
                 *     }
                 */
                "application/json": components["schemas"]["ResolveRemediationDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "itemCode": "XK00201000",
                     *       "rating": 2,
                     *       "level": "dissatisfied",
                     *       "comment": "等待时间较长",
                     *       "dueDate": "2026-10-21",
                     *       "provisional": false,
                     *       "overdue": false,
                     *       "status": "open",
                     *       "followUp": {
                     *         "rating": 4,
                     *         "satisfied": true,
                     *         "afterResolution": true,
                     *         "at": "2026-10-20T03:00:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RemediationDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_verifyCard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "credential": {
                 *         "format": "guangfo-credential/1"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["PresentedCredentialDto"];
            };
        };
        responses: {
            /** @description valid, or the reasons it is not */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_civilRecord: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106195201010019",
                 *       "source": "death-records",
                 *       "eventDate": "2026-10-15"
                 *     }
                 */
                "application/json": components["schemas"]["CivilRecordDto"];
            };
        };
        responses: {
            /** @description Recorded (a repeat records nothing new) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid ID number or date (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_report: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "reports": [
                 *         {
                 *           "idNumber": "440106199001010013",
                 *           "name": "陈小明",
                 *           "scheme": "employee-pension",
                 *           "month": "2026-11",
                 *           "employerUscc": "91440101MA5CXXXX0Q",
                 *           "baseFen": 800000,
                 *           "employerFen": 128000,
                 *           "personalFen": 64000,
                 *           "personalAccountFen": 64000
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["ContributionReportDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["ContributionReportResultDto"];
                };
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The month is reported by another employer or was refunded (SI_MONTH_ALREADY_REPORTED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid lines, with field errors (SI_INVALID_REPORT) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_crossCheck: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "city": "440600"
                 *     }
                 */
                "application/json": components["schemas"]["CrossCheckDto"];
            };
        };
        responses: {
            /** @description Sent; the check is answered asynchronously */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown city (SI_UNKNOWN_CITY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No shared match key (SI_CROSS_CHECK_NOT_CONFIGURED) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getCrossCheck: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cross-check */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such cross-check (SI_CROSS_CHECK_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_confirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "payingCity": "440100",
                 *       "method": "face-recognition"
                 *     }
                 */
                "application/json": components["schemas"]["EligibilityConfirmationDto"];
            };
        };
        responses: {
            /** @description Sent to the paying city */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown paying city (SI_UNKNOWN_CITY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_bindEmployer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "partnerId": "demo-employer-gz",
                 *       "employerUscc": "91440101MA5C12345E",
                 *       "name": "广州示范制造有限公司"
                 *     }
                 */
                "application/json": components["schemas"]["EmployerBindingDto"];
            };
        };
        responses: {
            /** @description Bound (a rebinding replaces the earlier one) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such partner key or an invalid code (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_listInvestigations: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page, unchanged */
                cursor?: string;
                limit?: number;
                /** @description paying: this city pays the person; registry: this city holds the record */
                side?: "paying" | "registry";
                state?: "open" | "closed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page: items (newest first, personal data masked) and nextCursor (null on the last page); the read is audited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a cursor of this API (SI_INVALID_CURSOR); a filter out of range (VALIDATION_FAILED) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getInvestigation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The investigation (outcome once closed by either city); ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such investigation (SI_INVESTIGATION_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_closeInvestigation: {
        parameters: {
            query?: never;
            header: {
                /** @description The investigation version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "outcome": "confirmed",
                 *       "reason": "死亡登记核实无误，已停发"
                 *     }
                 */
                "application/json": components["schemas"]["CloseInvestigationDto"];
            };
        };
        responses: {
            /** @description Closed; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such investigation (SI_INVESTIGATION_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Already closed, here or by the other city (SI_INVESTIGATION_CLOSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The investigation changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An ID number in the reason (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_listMedical: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page, unchanged */
                cursor?: string;
                /** @description in: this city is the new place; out: the old place */
                direction?: "in" | "out";
                limit?: number;
                /** @description The last step taken */
                state?: "applied" | "released" | "continued";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page: items (newest first, personal data masked) and nextCursor (null on the last page); the read is audited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a cursor of this API (SI_INVALID_CURSOR); a filter out of range (VALIDATION_FAILED) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_applyMedical: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry (per caller): the same key and body answer the first resource (200); another body 409 SI_IDEMPOTENCY_KEY_REUSED */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106199001010013",
                 *       "name": "陈小明",
                 *       "fromCity": "440100"
                 *     }
                 */
                "application/json": components["schemas"]["MedicalTransferDto"];
            };
        };
        responses: {
            /** @description Applied; the request is sent to the old place */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown city (SI_UNKNOWN_CITY), invalid ID number (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getMedical: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The transfer; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_continueMedical: {
        parameters: {
            query?: never;
            header: {
                /** @description The medical transfer version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Continued, with the gap treatment; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the next step (SI_TRANSFER_STEP_NOT_ALLOWED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The medical transfer changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_releaseMedical: {
        parameters: {
            query?: never;
            header: {
                /** @description The medical transfer version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Released; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the next step (SI_TRANSFER_STEP_NOT_ALLOWED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The medical transfer changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_run: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "month": "2026-12"
                 *     }
                 */
                "application/json": components["schemas"]["PaymentRunDto"];
            };
        };
        responses: {
            /** @description What was paid, per retiree */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not a month, or a future month (SI_INVALID_MONTH) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_listClaims: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page, unchanged */
                cursor?: string;
                limit?: number;
                state?: "assembling" | "aggregated";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page: items (newest first, personal data masked) and nextCursor (null on the last page); the read is audited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a cursor of this API (SI_INVALID_CURSOR); a filter out of range (VALIDATION_FAILED) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_claim: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry (per caller): the same key and body answer the first resource (200); another body 409 SI_IDEMPOTENCY_KEY_REUSED */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "hukouRegion": "440000"
                 *     }
                 */
                "application/json": components["schemas"]["PensionClaimDto"];
            };
        };
        responses: {
            /** @description Filed; aggregation follows the answers */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid claimant (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getClaim: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The claim; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such claim you may see (SI_CLAIM_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_requestRecord: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "consent": true,
                 *       "scope": "本人查询跨城市社会保险缴费记录"
                 *     }
                 */
                "application/json": components["schemas"]["RecordRequestDto"];
            };
        };
        responses: {
            /** @description Asked; the view shows which cities answered */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No consent (SI_CONSENT_REQUIRED) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getRecord: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The combined record (ID number and name masked) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not your request (SI_REQUEST_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_listRetirees: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page, unchanged */
                cursor?: string;
                limit?: number;
                /** @description Where the retiree lives */
                residenceCity?: string;
                /** @description true: payment stopped (death or imprisonment); false: not stopped */
                stopped?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page: items (newest first, personal data masked) and nextCursor (null on the last page); the read is audited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a cursor of this API (SI_INVALID_CURSOR); a filter out of range (VALIDATION_FAILED) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_registerRetiree: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry (per caller): the same key and body answer the first resource (200); another body 409 SI_IDEMPOTENCY_KEY_REUSED */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "residenceCity": "440600",
                 *       "monthlyPensionFen": 420000,
                 *       "firstMonth": "2025-09",
                 *       "lastConfirmedOn": "2025-10-20"
                 *     }
                 */
                "application/json": components["schemas"]["RetireeRegistrationDto"];
            };
        };
        responses: {
            /** @description Registered */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Already registered (SI_RETIREE_EXISTS), Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown city of residence (SI_UNKNOWN_CITY), invalid month (SI_INVALID_MONTH) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getRetiree: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The retiree (ID number and name masked); ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such retiree (SI_RETIREE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_notifyStop: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "payingCity": "440100",
                 *       "kind": "death",
                 *       "eventDate": "2026-10-15"
                 *     }
                 */
                "application/json": components["schemas"]["StopNoticeDto"];
            };
        };
        responses: {
            /** @description Sent to the paying city */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown paying city (SI_UNKNOWN_CITY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_listTransfers: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page, unchanged */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page: items and nextCursor (no personal data) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a cursor of this API (SI_INVALID_CURSOR) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_apply: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry (per caller): the same key and body answer the first resource (200); another body 409 SI_IDEMPOTENCY_KEY_REUSED */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106199001010013",
                 *       "name": "陈小明",
                 *       "fromCity": "440100",
                 *       "certificateNo": "PZ-440100-2026-000123",
                 *       "hukouRegion": "440000"
                 *     }
                 */
                "application/json": components["schemas"]["TransferApplicationDto"];
            };
        };
        responses: {
            /** @description Filed; ETag = version */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Same province (SI_TRANSFER_NOT_CROSS_PROVINCE), unknown city (SI_UNKNOWN_CITY), invalid ID number (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getTransfer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The transfer; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer you may see (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_contactLetter: {
        parameters: {
            query?: never;
            header: {
                /** @description The transfer version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "application/json": components["schemas"]["StepDto"];
            };
        };
        responses: {
            /** @description Sent; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the next step, or a temporary account (SI_TRANSFER_STEP_NOT_ALLOWED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The transfer changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_continueTransfer: {
        parameters: {
            query?: never;
            header: {
                /** @description The transfer version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "application/json": components["schemas"]["StepDto"];
            };
        };
        responses: {
            /** @description Continued; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the next step, or amounts not matching the record (SI_TRANSFER_STEP_NOT_ALLOWED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The transfer changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_funds: {
        parameters: {
            query?: never;
            header: {
                /** @description The transfer version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "application/json": components["schemas"]["StepDto"];
            };
        };
        responses: {
            /** @description Sent; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such transfer (SI_TRANSFER_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the next step, or a temporary account (SI_TRANSFER_STEP_NOT_ALLOWED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The transfer changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_listWorkInjury: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page, unchanged */
                cursor?: string;
                limit?: number;
                state?: "accepted" | "decided";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page: items (newest first, personal data masked) and nextCursor (null on the last page); the read is audited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a cursor of this API (SI_INVALID_CURSOR); a filter out of range (VALIDATION_FAILED) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_fileWorkInjury: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry (per caller): the same key and body answer the first resource (200); another body 409 SI_IDEMPOTENCY_KEY_REUSED */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "idNumber": "440106199001010013",
                 *       "name": "陈小明",
                 *       "employerUscc": "91440101MA5C12345E",
                 *       "injuryDate": "2026-11-20",
                 *       "applicant": "employer",
                 *       "clearFacts": true
                 *     }
                 */
                "application/json": components["schemas"]["WorkInjuryCaseDto"];
            };
        };
        responses: {
            /** @description Accepted, with its due date */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too late (SI_WORK_INJURY_APPLICATION_LATE), not insured here (SI_WORK_INJURY_NOT_INSURED_HERE), invalid input (SI_INVALID_QUERY) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_getWorkInjury: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The case; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case (SI_WORK_INJURY_CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_decideWorkInjury: {
        parameters: {
            query?: never;
            header: {
                /** @description The case version (ETag of the GET) the step is based on */
                "If-Match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "outcome": "recognised",
                 *       "credential": {
                 *         "format": "guangfo-credential/1"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["WorkInjuryDecisionDto"];
            };
        };
        responses: {
            /** @description Decided; ETag = version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such case (SI_WORK_INJURY_CASE_NOT_FOUND) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Already decided (SI_WORK_INJURY_ALREADY_DECIDED) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The case changed since you read it (PRECONDITION_FAILED); reload and act again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential did not verify (SI_CREDENTIAL_REJECTED) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match missing (PRECONDITION_REQUIRED) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SocialInsuranceController_recogniseWorkInjury: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "credential": {
                 *         "format": "guangfo-credential/1"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["PresentedCredentialDto"];
            };
        };
        responses: {
            /** @description Accepted (recorded and audited) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential did not verify (SI_CREDENTIAL_REJECTED, with the reasons) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    VerificationsController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "credential": {
                 *         "format": "guangfo.credential.v1",
                 *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                 *         "number": "1144010000750200162026000000426",
                 *         "type": {
                 *           "code": "RESIDENCE_PERMIT",
                 *           "name": "居住证"
                 *         },
                 *         "holder": {
                 *           "name": "陈小明",
                 *           "code": "440106199001010013",
                 *           "codeType": "111"
                 *         },
                 *         "issuer": {
                 *           "name": "广州市公安局",
                 *           "code": "114401000075020016",
                 *           "city": "440100"
                 *         },
                 *         "issueDate": "2026-11-27",
                 *         "validFrom": "2026-11-27",
                 *         "validTo": "2027-11-26",
                 *         "proof": {
                 *           "type": "SM2-SM3",
                 *           "keyId": "440100-3f9a0c1d2e4b5a69",
                 *           "signature": "MEUCIQD…base64 DER…"
                 *         }
                 *       },
                 *       "presentationToken": "GFTB-VP1:eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…",
                 *       "expectedType": "RESIDENCE_PERMIT",
                 *       "expectedHolderCode": "440106199001010013",
                 *       "purpose": "居住证积分入学核验"
                 *     }
                 */
                "application/json": components["schemas"]["VerifyCredentialDto"];
            };
        };
        responses: {
            /** @description The verdict: `valid`, machine-readable `reasons` (SIGNATURE_INVALID, UNKNOWN_ISSUER, KEY_RETIRED, REVOKED, SUSPENDED, EXPIRED, NOT_YET_VALID, HOLDER_MISMATCH, STATUS_STALE, …), `warnings`, and a summary with the holder masked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "verificationId": "5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21",
                     *       "valid": true,
                     *       "reasons": [],
                     *       "warnings": [],
                     *       "checkedAt": "2026-11-27T09:00:00.000Z",
                     *       "credential": {
                     *         "id": "0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a",
                     *         "number": "1144010000750200162026000000426",
                     *         "type": {
                     *           "code": "RESIDENCE_PERMIT",
                     *           "name": "居住证"
                     *         },
                     *         "holder": {
                     *           "name": "陈*明",
                     *           "code": "440***********0013",
                     *           "codeType": "111"
                     *         },
                     *         "issuer": {
                     *           "name": "广州市公安局",
                     *           "code": "114401000075020016",
                     *           "city": "440100"
                     *         },
                     *         "issueDate": "2026-11-27",
                     *         "validFrom": "2026-11-27",
                     *         "validTo": "2027-11-26",
                     *         "keyId": "440100-3f9a0c1d2e4b5a69"
                     *       },
                     *       "status": {
                     *         "value": "valid",
                     *         "reasonCode": null,
                     *         "asOf": "2026-11-27T08:55:00.000Z",
                     *         "ageSeconds": 300,
                     *         "fresh": true
                     *       },
                     *       "errors": [
                     *         "holder.code: is not a valid code of type 111"
                     *       ],
                     *       "presentation": {
                     *         "id": "7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
                     *         "purpose": "开立账户核验居住证",
                     *         "expiresAt": "2026-11-27T09:10:00.000Z",
                     *         "singleUse": true
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["VerificationResultDto"];
                };
            };
            /** @description VALIDATION_FAILED (field errors), VERIFICATION_INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_deliveries: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                status?: "pending" | "delivered" | "failed" | "cancelled";
                subscriptionId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description { items, nextCursor } */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_delivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_redeliver: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery, pending again */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_eventTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://partner.example.cn/guangfo/webhooks",
                 *       "eventTypes": [
                 *         "affairs.case.status-changed"
                 *       ],
                 *       "itemCodes": [
                 *         "XK00201000"
                 *       ],
                 *       "description": "门诊结算通知"
                 *     }
                 */
                "application/json": components["schemas"]["CreateWebhookSubscriptionDto"];
            };
        };
        responses: {
            /** @description The subscription plus `secret` */
            201: {
                headers: {
                    /** @description URL of the created resource */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or invalid credentials (problem+json, code UNAUTHENTICATED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds */
            429: {
                headers: {
                    /** @description Seconds until the window reopens */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
