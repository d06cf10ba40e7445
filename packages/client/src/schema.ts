// Generated from the BFF's /openapi.json by openapi-typescript. Do not edit: run
// `npx -y pnpm@10 --filter @ca/client generate` (a test fails when this file is out of date).

export interface paths {
    "/v1/widget-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mint a widget token (API key only) */
        post: operations["createWidgetSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's catalog (recruiter or API key) */
        get: operations["listPackages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The candidate's orders, newest first */
        get: operations["listOrders"];
        put?: never;
        /** Order an assessment (recruiter or API key) */
        post: operations["createOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One order */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The order's status history: every update with vendor time and receive time (recruiter or API key) */
        get: operations["getOrderHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an order (recruiter or API key)
         * @description Withdraws the assessment with the vendor's own call where it has one (Berke `DeleteAssessment`); where it has none (pymetrics, Mettl, PSI) the order is marked cancelled here only and no more launch links are issued: `vendorCall` is then null and `message` says so. Only before the candidate finishes (requested, invited, scheduled, in progress). Idempotent: cancelling a cancelled order answers `changed: false`. Recorded in the history with the actor and sent as an `order.updated` event (SSE and ATS webhook) with `order.lastAction`.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/remind": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the invitation again (recruiter or API key)
         * @description Berke: `SendInvitation` emails the candidate (`sentBy: vendor`). Mettl (a fresh registration link) and pymetrics (the order's `assessment_url`) send nothing themselves: `sentBy: ats` and `url` is the link for the ATS to send. PSI has no reminder (`action_unavailable`). With the same Idempotency-Key an email is never sent twice. Recorded in the history with the actor and sent as an `order.updated` event with `order.lastAction`.
         */
        post: operations["remindOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/retake": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Order a new attempt, linked to this one (recruiter or API key)
         * @description Only once this attempt is over (completed, scored, expired, cancelled, no show, excused, failed). The new order has `retakeOf` = this order id and is placed like any order (Mettl: the next attempt’s schedule). Idempotent with `Idempotency-Key` like `POST /v1/orders`. The original order records the retake in its history and `lastAction`.
         */
        post: operations["retakeOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A single-use launch or report link (≤ 10 min) that redirects to a fresh vendor URL */
        post: operations["createOrderLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/links/{ticket}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Follow a single-use link (browser) */
        get: operations["followLink"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/candidates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Erase a candidate's personal data (API key only)
         * @description Removes contact data, vendor references, results, bookings, raw vendor payloads, events and links of every order of this candidate. Statuses and dates stay, anonymised under `auditRef`; open orders become `cancelled`; an audit row is kept. Idempotent. Vendors keep their own copies: ask them separately.
         */
        delete: operations["eraseCandidate"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * SSE stream of order events (candidate, or whole tenant with an API key)
         * @description text/event-stream. `id:` event id, `event:` order.created | order.updated | resync | ready, `data:` JSON. Resume with Last-Event-ID (header) or lastEventId (query). Heartbeat comments every 20 s.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness (store reachable) */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/widget.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The widget bundle (cached 5 minutes: always the current build) */
        get: operations["widgetBundle"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/widget/{version}/widget.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The widget bundle pinned to one build, cached for good (the BFF logs this URL and its integrity at start) */
        get: operations["widgetBundleVersioned"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{vendor}/{tenant}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Vendor notification (PSI booking events)
         * @description PSI: `Authorization: Bearer` token from `POST /oauth/token`. Body is the PSI booking event (`change_reason`, `client_eligibility_id`, `exam_code`, …). 200 on success, 400 when no matching order exists, 500 only when it could not be stored.
         */
        put: operations["putVendorNotification"];
        /**
         * Vendor notification (Mettl start/finish/graded/resume)
         * @description Mettl: HTTP Basic (the `testNotificationBasicAuthHeader` we set on the schedule) **and** the signed `context_data` we put in at registration. Body is Mettl JSON (`EVENT_TYPE`, `invitation_key`, `context_data`, …). Idempotent.
         */
        post: operations["postVendorNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{vendor}/{tenant}/{ticket}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per-order ping (pymetrics `callback_url`): a hint to poll that order now
         * @description Authenticated by the signed ticket in the path; proves nothing by itself: the BFF asks the vendor.
         */
        get: operations["getOrderPing"];
        put?: never;
        /**
         * Per-order ping (pymetrics `callback_url`): a hint to poll that order now
         * @description Authenticated by the signed ticket in the path; proves nothing by itself: the BFF asks the vendor.
         */
        post: operations["postOrderPing"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/return/{vendor}/{tenant}/{ticket}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The candidate's browser back from the vendor (Berke `onAssessmentCompleteRedirectToUrl`)
         * @description Triggers an immediate status check, then redirects to `candidateReturnUrl` or shows a "thank you" page.
         */
        get: operations["candidateReturn"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/return/{vendor}/{tenant}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The candidate's browser back from a vendor page shared by many orders (Mettl schedule `exitRedirectionUrl`)
         * @description Names no order and triggers nothing; redirects to `candidateReturnUrl` or shows a "thank you" page.
         */
        get: operations["candidateExit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OAuth2 client credentials (RFC 6749 §4.4) for vendors that call our hooks (PSI)
         * @description Client id and secret by HTTP Basic or in the form. The token is valid on `/hooks/*` only.
         */
        post: operations["oauthToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["openApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document rendered as an API reference (Scalar), served from the BFF itself under a strict CSP */
        get: operations["docs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs/scalar.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The reference's script (Scalar's single-file bundle) */
        get: operations["docsScript"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/widget/i18n/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A chunk of the widget loaded by /widget.js on demand: one language's messages, or the recruiter actions */
        get: operations["widgetMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/widget/{version}/widget/i18n/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The same chunks, loaded by the versioned /widget/{version}/widget.js */
        get: operations["widgetMessagesVersioned"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    orderEvent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * An order event, POSTed to the tenant’s `atsWebhook.url`
         * @description Every `order.created` / `order.updated` event of the tenant, signed per Standard Webhooks (https://www.standardwebhooks.com/). Verify `webhook-signature` over `{webhook-id}.{webhook-timestamp}.{body}` with the `atsWebhook.secret` (a `whsec_` secret is base64; any other string is the raw key). Retried with backoff for about a day until a 2xx; a retried delivery can arrive after a later one: order events by `id`, or keep the order snapshot with the higher `version`. An attempt that has no answer within `atsWebhook.timeoutMs` (default 15000) counts as failed and is retried; redirects are not followed (a 3xx counts as failed); the body of a 2xx is not read.
         */
        post: operations["atsOrderEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        ActionResponse: {
            order: {
                id: string;
                tenantId: string;
                candidateId: string;
                packageId: string;
                packageName: string;
                vendor: string;
                vendorName: string;
                vendorRef: string | null;
                /** @enum {string} */
                status: "requested" | "invited" | "scheduled" | "in_progress" | "completed" | "scored" | "expired" | "cancelled" | "no_show" | "excused" | "failed";
                vendorStatus: string | null;
                /** @default null */
                progress: number | null;
                version: number;
                /** Format: date-time */
                statusChangedAt: string;
                /** Format: date-time */
                createdAt: string;
                /** @default null */
                booking: {
                    /** Format: date-time */
                    startsAt: string;
                    timeZone: string;
                    timeZoneLabel?: string;
                    location?: string;
                    /** @enum {string} */
                    deliveryMode?: "test_center" | "remote";
                    code?: string;
                    cancelled?: boolean;
                } | null;
                /** @default null */
                result: {
                    score?: number;
                    maxScore?: number;
                    band?: string;
                    passed?: boolean;
                    /** @enum {string} */
                    level?: "high" | "medium" | "low";
                    /** @default [] */
                    subScores: {
                        label: string;
                        value: number;
                        max?: number;
                    }[];
                    /** @default [] */
                    flags: {
                        code: string;
                        label: string;
                        value?: string | number | boolean;
                        /**
                         * @default info
                         * @enum {string}
                         */
                        severity: "info" | "warning";
                    }[];
                    /** @default [] */
                    jobFits: {
                        job: string;
                        jobId?: string;
                        fitPct?: number;
                        /** @enum {string} */
                        level?: "high" | "medium" | "low";
                        /** @default false */
                        primary: boolean;
                    }[];
                    /** Format: date-time */
                    completedAt?: string;
                    /** @default false */
                    reportAvailable: boolean;
                } | null;
                /** @default null */
                error: {
                    code: string;
                    message: string;
                } | null;
                /** @default null */
                retakeOf: string | null;
                /** @default null */
                lastAction: {
                    /** @enum {string} */
                    action: "cancel" | "remind" | "retake";
                    actor: string | null;
                    /** Format: date-time */
                    at: string;
                    vendorCall: string | null;
                } | null;
            };
            /** @enum {string} */
            action: "cancel" | "remind" | "retake";
            changed: boolean;
            vendorCall: string | null;
            message: string;
            /** @enum {string} */
            sentBy?: "vendor" | "ats";
            /** Format: uri */
            url?: string;
        };
        ApiError: {
            error: {
                /** @enum {string} */
                code: "bad_request" | "validation_failed" | "unauthorized" | "token_missing" | "token_invalid" | "token_expired" | "forbidden" | "not_found" | "order_not_found" | "package_not_found" | "tenant_not_found" | "idempotency_conflict" | "idempotency_key_required" | "link_expired" | "link_used" | "report_unavailable" | "launch_unavailable" | "action_unavailable" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "vendor_unavailable" | "vendor_rejected" | "webhook_unauthorized" | "no_matching_order" | "not_ready" | "internal";
                message: string;
            };
        };
        CandidateErasureResponse: {
            candidateId: string;
            erasedAt: string;
            orders: number;
            auditRef: string;
        };
        HistoryResponse: {
            history: {
                /** @enum {string} */
                status: "requested" | "invited" | "scheduled" | "in_progress" | "completed" | "scored" | "expired" | "cancelled" | "no_show" | "excused" | "failed";
                vendorStatus: string;
                /** Format: date-time */
                vendorTime: string;
                /** Format: date-time */
                receivedAt: string;
                /** @enum {string} */
                source: "placement" | "webhook" | "poll" | "job" | "recruiter";
                /** @default null */
                action: string | null;
                /** @default null */
                actor: string | null;
                applied: boolean;
            }[];
        };
        LinkResponse: {
            /** Format: uri */
            url: string;
            /** Format: date-time */
            expiresAt: string;
        };
        OrderEvent: {
            id: string;
            /** @enum {string} */
            type: "order.created" | "order.updated";
            orderId: string;
            candidateId: string;
            tenantId: string;
            order: {
                id: string;
                tenantId: string;
                candidateId: string;
                packageId: string;
                packageName: string;
                vendor: string;
                vendorName: string;
                vendorRef: string | null;
                /** @enum {string} */
                status: "requested" | "invited" | "scheduled" | "in_progress" | "completed" | "scored" | "expired" | "cancelled" | "no_show" | "excused" | "failed";
                vendorStatus: string | null;
                /** @default null */
                progress: number | null;
                version: number;
                /** Format: date-time */
                statusChangedAt: string;
                /** Format: date-time */
                createdAt: string;
                /** @default null */
                booking: {
                    /** Format: date-time */
                    startsAt: string;
                    timeZone: string;
                    timeZoneLabel?: string;
                    location?: string;
                    /** @enum {string} */
                    deliveryMode?: "test_center" | "remote";
                    code?: string;
                    cancelled?: boolean;
                } | null;
                /** @default null */
                result: {
                    score?: number;
                    maxScore?: number;
                    band?: string;
                    passed?: boolean;
                    /** @enum {string} */
                    level?: "high" | "medium" | "low";
                    /** @default [] */
                    subScores: {
                        label: string;
                        value: number;
                        max?: number;
                    }[];
                    /** @default [] */
                    flags: {
                        code: string;
                        label: string;
                        value?: string | number | boolean;
                        /**
                         * @default info
                         * @enum {string}
                         */
                        severity: "info" | "warning";
                    }[];
                    /** @default [] */
                    jobFits: {
                        job: string;
                        jobId?: string;
                        fitPct?: number;
                        /** @enum {string} */
                        level?: "high" | "medium" | "low";
                        /** @default false */
                        primary: boolean;
                    }[];
                    /** Format: date-time */
                    completedAt?: string;
                    /** @default false */
                    reportAvailable: boolean;
                } | null;
                /** @default null */
                error: {
                    code: string;
                    message: string;
                } | null;
                /** @default null */
                retakeOf: string | null;
                /** @default null */
                lastAction: {
                    /** @enum {string} */
                    action: "cancel" | "remind" | "retake";
                    actor: string | null;
                    /** Format: date-time */
                    at: string;
                    vendorCall: string | null;
                } | null;
            };
            /** Format: date-time */
            at: string;
        };
        OrderResponse: {
            order: {
                id: string;
                tenantId: string;
                candidateId: string;
                packageId: string;
                packageName: string;
                vendor: string;
                vendorName: string;
                vendorRef: string | null;
                /** @enum {string} */
                status: "requested" | "invited" | "scheduled" | "in_progress" | "completed" | "scored" | "expired" | "cancelled" | "no_show" | "excused" | "failed";
                vendorStatus: string | null;
                /** @default null */
                progress: number | null;
                version: number;
                /** Format: date-time */
                statusChangedAt: string;
                /** Format: date-time */
                createdAt: string;
                /** @default null */
                booking: {
                    /** Format: date-time */
                    startsAt: string;
                    timeZone: string;
                    timeZoneLabel?: string;
                    location?: string;
                    /** @enum {string} */
                    deliveryMode?: "test_center" | "remote";
                    code?: string;
                    cancelled?: boolean;
                } | null;
                /** @default null */
                result: {
                    score?: number;
                    maxScore?: number;
                    band?: string;
                    passed?: boolean;
                    /** @enum {string} */
                    level?: "high" | "medium" | "low";
                    /** @default [] */
                    subScores: {
                        label: string;
                        value: number;
                        max?: number;
                    }[];
                    /** @default [] */
                    flags: {
                        code: string;
                        label: string;
                        value?: string | number | boolean;
                        /**
                         * @default info
                         * @enum {string}
                         */
                        severity: "info" | "warning";
                    }[];
                    /** @default [] */
                    jobFits: {
                        job: string;
                        jobId?: string;
                        fitPct?: number;
                        /** @enum {string} */
                        level?: "high" | "medium" | "low";
                        /** @default false */
                        primary: boolean;
                    }[];
                    /** Format: date-time */
                    completedAt?: string;
                    /** @default false */
                    reportAvailable: boolean;
                } | null;
                /** @default null */
                error: {
                    code: string;
                    message: string;
                } | null;
                /** @default null */
                retakeOf: string | null;
                /** @default null */
                lastAction: {
                    /** @enum {string} */
                    action: "cancel" | "remind" | "retake";
                    actor: string | null;
                    /** Format: date-time */
                    at: string;
                    vendorCall: string | null;
                } | null;
            };
        };
        OrdersResponse: {
            orders: {
                id: string;
                tenantId: string;
                candidateId: string;
                packageId: string;
                packageName: string;
                vendor: string;
                vendorName: string;
                vendorRef: string | null;
                /** @enum {string} */
                status: "requested" | "invited" | "scheduled" | "in_progress" | "completed" | "scored" | "expired" | "cancelled" | "no_show" | "excused" | "failed";
                vendorStatus: string | null;
                /** @default null */
                progress: number | null;
                version: number;
                /** Format: date-time */
                statusChangedAt: string;
                /** Format: date-time */
                createdAt: string;
                /** @default null */
                booking: {
                    /** Format: date-time */
                    startsAt: string;
                    timeZone: string;
                    timeZoneLabel?: string;
                    location?: string;
                    /** @enum {string} */
                    deliveryMode?: "test_center" | "remote";
                    code?: string;
                    cancelled?: boolean;
                } | null;
                /** @default null */
                result: {
                    score?: number;
                    maxScore?: number;
                    band?: string;
                    passed?: boolean;
                    /** @enum {string} */
                    level?: "high" | "medium" | "low";
                    /** @default [] */
                    subScores: {
                        label: string;
                        value: number;
                        max?: number;
                    }[];
                    /** @default [] */
                    flags: {
                        code: string;
                        label: string;
                        value?: string | number | boolean;
                        /**
                         * @default info
                         * @enum {string}
                         */
                        severity: "info" | "warning";
                    }[];
                    /** @default [] */
                    jobFits: {
                        job: string;
                        jobId?: string;
                        fitPct?: number;
                        /** @enum {string} */
                        level?: "high" | "medium" | "low";
                        /** @default false */
                        primary: boolean;
                    }[];
                    /** Format: date-time */
                    completedAt?: string;
                    /** @default false */
                    reportAvailable: boolean;
                } | null;
                /** @default null */
                error: {
                    code: string;
                    message: string;
                } | null;
                /** @default null */
                retakeOf: string | null;
                /** @default null */
                lastAction: {
                    /** @enum {string} */
                    action: "cancel" | "remind" | "retake";
                    actor: string | null;
                    /** Format: date-time */
                    at: string;
                    vendorCall: string | null;
                } | null;
            }[];
        };
        PackagesResponse: {
            packages: {
                id: string;
                vendor: string;
                vendorName: string;
                name: string;
                /** @enum {string} */
                kind: "game" | "test" | "personality" | "exam";
                description?: string;
                actions?: ("cancel" | "remind" | "retake")[];
            }[];
        };
        WidgetSessionResponse: {
            token: string;
            /** Format: date-time */
            expiresAt: string;
        };
        CreateLinkRequest: {
            /** @enum {string} */
            kind: "launch" | "report" | "evaluation";
        };
        CreateOrderRequest: {
            packageId: string;
            candidateId?: string;
            candidate?: {
                firstName: string;
                lastName: string;
                /** Format: email */
                email: string;
                locale?: string;
            };
            job?: {
                id: string;
                title: string;
            };
        };
        WidgetSessionRequest: {
            /** @enum {string} */
            role: "recruiter" | "candidate";
            candidate: {
                firstName: string;
                lastName: string;
                /** Format: email */
                email: string;
                locale?: string;
                id: string;
            };
            job?: {
                id: string;
                title: string;
            };
            actor?: string;
            ttlSeconds?: number;
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
    createWidgetSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WidgetSessionRequest"];
            };
        };
        responses: {
            /** @description Token */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetSessionResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    listPackages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Catalog */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackagesResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    listOrders: {
        parameters: {
            query?: {
                /** @description Required with an API key: the ATS's candidate id. */
                candidateId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Orders */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrdersResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    createOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body → same order; same key, other body → 409 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrderRequest"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Idempotency-Key reused with another body */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    getOrder: {
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
            /** @description Order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    getOrderHistory: {
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
            /** @description History, in vendor-time order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    cancelOrder: {
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
            /** @description Done, or already done (`changed: false`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description The vendor refused (`vendor_rejected`); nothing was changed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description The vendor did not answer (`vendor_unavailable`); nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    remindOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key → the same reminder: the vendor is not asked to email again */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, or already done (`changed: false`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description The vendor refused (`vendor_rejected`); nothing was changed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description The vendor did not answer (`vendor_unavailable`); nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    retakeOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and order → the same new order; same key, another request → 409 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, or already done (`changed: false`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResponse"];
                };
            };
            /** @description The new order, accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description The vendor refused (`vendor_rejected`); nothing was changed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description The vendor did not answer (`vendor_unavailable`); nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    createOrderLink: {
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
                "application/json": components["schemas"]["CreateLinkRequest"];
            };
        };
        responses: {
            /** @description Link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LinkResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not launchable / no report yet */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    followLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redirect to the vendor */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Used or expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    eraseCandidate: {
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
            /** @description Erased */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CandidateErasureResponse"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Required with an API key: the ATS's candidate id. */
                candidateId?: string;
                lastEventId?: string;
            };
            header?: {
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Event stream; each order event `data:` is an OrderEvent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["OrderEvent"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not allowed for this token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Not found (or not visible to this caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many open streams for this token subject, tenant or server (config `sse`); see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ok */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description not ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/plain */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    widgetBundle: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ES module */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    widgetBundleVersioned: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description First 16 hex digits of the bundle's SHA-384 */
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ES module */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description This BFF serves another build; the message names it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putVendorNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …). */
                vendor: string;
                /** @description The tenant id from the BFF config. */
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Stored and applied (or a harmless duplicate) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @description What the delivery did: applied, duplicate, history_only, no_match, … */
                        outcome?: string;
                    };
                };
            };
            /** @description Malformed notification, or (PSI) no matching order */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Authentication failed; nothing was stored */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Unknown vendor or tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Body over 256 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Could not be stored; the vendor should retry */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    postVendorNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …). */
                vendor: string;
                /** @description The tenant id from the BFF config. */
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Stored and applied (or a harmless duplicate) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @description What the delivery did: applied, duplicate, history_only, no_match, … */
                        outcome?: string;
                    };
                };
            };
            /** @description Malformed notification, or (PSI) no matching order */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Authentication failed; nothing was stored */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Unknown vendor or tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Body over 256 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Could not be stored; the vendor should retry */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    getOrderPing: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …). */
                vendor: string;
                /** @description The tenant id from the BFF config. */
                tenant: string;
                /** @description A signed ticket the BFF issued for one order; opaque. */
                ticket: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Noted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @description What the delivery did: applied, duplicate, history_only, no_match, … */
                        outcome?: string;
                    };
                };
            };
            /** @description Unknown vendor, tenant or ticket */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    postOrderPing: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …). */
                vendor: string;
                /** @description The tenant id from the BFF config. */
                tenant: string;
                /** @description A signed ticket the BFF issued for one order; opaque. */
                ticket: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Noted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @description What the delivery did: applied, duplicate, history_only, no_match, … */
                        outcome?: string;
                    };
                };
            };
            /** @description Unknown vendor, tenant or ticket */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    candidateReturn: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …). */
                vendor: string;
                /** @description The tenant id from the BFF config. */
                tenant: string;
                /** @description A signed ticket the BFF issued for one order; opaque. */
                ticket: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Thank-you page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Redirect to the tenant's candidateReturnUrl */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unknown link */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    candidateExit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …). */
                vendor: string;
                /** @description The tenant id from the BFF config. */
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Thank-you page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Redirect to the tenant's candidateReturnUrl */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unknown vendor or tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    oauthToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    /** @constant */
                    grant_type: "client_credentials";
                    client_id?: string;
                    client_secret?: string;
                    /** @description Optional; accepted and echoed (RFC 6749 §3.3). */
                    scope?: string;
                };
            };
        };
        responses: {
            /** @description Access token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_token: string;
                        /** @constant */
                        token_type: "Bearer";
                        expires_in: number;
                        /** @description The requested scope, echoed (RFC 6749 §3.3); the token is for the hooks whatever it says. */
                        scope?: string;
                    };
                };
            };
            /** @description RFC 6749 error (`invalid_request`, `unsupported_grant_type`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        error_description?: string;
                    };
                };
            };
            /** @description RFC 6749 `invalid_client` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        error_description?: string;
                    };
                };
            };
        };
    };
    openApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    docs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description HTML page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    docsScript: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
        };
    };
    widgetMessages: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description e.g. `de-<hash>.js` */
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ES module */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
            /** @description No such file */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    widgetMessagesVersioned: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The bundle's version */
                version: string;
                /** @description e.g. `de-<hash>.js` */
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ES module */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
            /** @description No such file */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    atsOrderEvent: {
        parameters: {
            query?: never;
            header: {
                /** @description `evt_{event id}`: the same for every retry of one event (deduplicate on it) */
                "webhook-id": string;
                /** @description Unix seconds of this attempt */
                "webhook-timestamp": string;
                /** @description `v1,{base64 HMAC-SHA256}`, space-separated when several */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderEvent"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Anything else: retried later */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
