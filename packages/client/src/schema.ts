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
        /**
         * Mint a widget token (API key only)
         * @description Your ATS back end calls this with the tenant API key and hands the token to the widget (`fetchToken`). Take the role and the candidate from your own session, never from the page. The token is for one candidate, lives `ttlSeconds` (at most 900) and is sent by the widget as `Authorization: Bearer`.
         */
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
        /**
         * The tenant's catalog (recruiter or API key)
         * @description The tenant's catalog: what can be ordered, from which vendor, and the recruiter `actions` each vendor offers. A candidate token gets 403.
         */
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
        /**
         * The candidate's orders, newest first
         * @description Every order of one candidate, newest first. A widget token names its candidate; with the API key, say whose orders with `candidateId`. A candidate token's orders carry no results and no vendor references.
         */
        get: operations["listOrders"];
        put?: never;
        /**
         * Order an assessment (recruiter or API key)
         * @description Orders an assessment: answers 202 at once with the order `requested`; placement with the vendor runs in the background and its outcome comes as `order.updated` (event stream, ATS webhook, or `GET /v1/orders/{id}`): `invited` or `scheduled`, or `failed` with `error`. With a widget token the candidate is the token's; with the API key send `candidateId` and `candidate`. Send an `Idempotency-Key` so a retry never orders twice.
         */
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
        /**
         * One order
         * @description One order, as the event stream and the ATS webhook send it. Keep the snapshot with the higher `version`.
         */
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
        /**
         * The order's status history: every update with vendor time and receive time (recruiter or API key)
         * @description Every status update of the order in vendor-time order, with its source (placement, webhook, poll, job, recruiter) and whether it changed the order (`applied: false`: it arrived after a newer fact). Recruiter actions carry the action and the actor.
         */
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
        /**
         * A single-use launch or report link (≤ 10 min) that redirects to a fresh vendor URL
         * @description A single-use URL on this BFF, valid 10 minutes, that redirects to a fresh vendor URL when followed: `launch` for the candidate (and a recruiter preview), `report` and `evaluation` for recruiters and API keys. Mint one per click; never store it.
         */
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
        /**
         * Follow a single-use link (browser)
         * @description Opened by the browser (no credentials: the ticket is the credential). Redirects once to the vendor; a second visit gets 410.
         */
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
        /**
         * Liveness
         * @description Liveness: the process answers. For load balancers; no credentials.
         */
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
        /**
         * Readiness (store reachable)
         * @description Readiness: the store is reachable. 503 while it is not (take the replica out of rotation).
         */
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
        /**
         * Prometheus metrics
         * @description Prometheus text format: requests, vendor calls, webhook deliveries, event streams. Behind a bearer token when `metricsToken` is set.
         */
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
        /**
         * The widget bundle (cached 5 minutes: always the current build)
         * @description The `<candidate-assessment>` element as one ES module: `<script type="module" src="{BFF}/widget.js">`. Its language chunks load on demand from `/widget/i18n/`.
         */
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
        /**
         * The widget bundle pinned to one build, cached for good (the BFF logs this URL and its integrity at start)
         * @description For `<script type="module" src="{BFF}/widget/{version}/widget.js" integrity="sha384-…">`: the bytes never change under one URL, so the integrity holds. Another build's version answers 404 naming the current one.
         */
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
        /**
         * This document
         * @description This OpenAPI 3.1 document, generated from the schemas the BFF validates with.
         */
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
        /**
         * This document rendered as an API reference (Scalar), served from the BFF itself under a strict CSP
         * @description The API reference, rendered in the browser from `/openapi.json`.
         */
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
        /**
         * The reference's script (Scalar's single-file bundle)
         * @description Scalar's API reference bundle, served by the BFF so the page needs no other origin.
         */
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
        /**
         * A chunk of the widget loaded by /widget.js on demand: one language's messages, or the recruiter actions
         * @description Immutable, hashed file names; the bundle knows them. Not called directly.
         */
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
        /**
         * The same chunks, loaded by the versioned /widget/{version}/widget.js
         * @description Immutable, hashed file names; the versioned bundle knows them. Not called directly.
         */
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
        /**
         * @description Every error answer: `{"error": {"code", "message"}}`. Switch on `code` (stable, never renamed); `message` is an English sentence for people.
         *
         *     | code | status | when | what to do |
         *     |---|---|---|---|
         *     | `bad_request` | 400 | The request lacks something its caller must send (e.g. `candidateId` with an API key) or is malformed. | Fix the request as the message says; do not retry it unchanged. |
         *     | `validation_failed` | 400 | The body, a parameter or a header does not match the schema; the message names the field. | Fix the named field (see the operation's schema); do not retry it unchanged. |
         *     | `unauthorized` | 401 | The API key (or the metrics token) is not one of the tenant's. | Check the key your back end sends: the tenant's `apiKeys` in the BFF config. |
         *     | `token_missing` | 401 | No `Authorization: Bearer …` header. | Send a widget token or the API key as `Authorization: Bearer …`. |
         *     | `token_invalid` | 401 | The widget token's signature, `kid`, `iss`, `aud` or lifetime is wrong. | Mint tokens with `POST /v1/widget-sessions` (or `mintWidgetToken` with a current widget key); do not build them by hand. |
         *     | `token_expired` | 401 | The widget token is past its `exp` (tokens live at most 15 minutes). | Mint a fresh token; the widget does so itself through `fetchToken` and retries once. |
         *     | `forbidden` | 403 | The credentials are valid but may not do this: a candidate token on a recruiter operation, a token for another candidate, or a widget token minting tokens. | Use a recruiter token or the API key for recruiter operations. |
         *     | `origin_not_allowed` | 403 | A widget token came from a page whose origin is not in the tenant's `allowedOrigins`. The answer carries CORS headers so the page can read it, and no data. | Add the origin the message names to `tenants.<tenant>.allowedOrigins` in the BFF config (`ca dev --origin <origin>` in development). |
         *     | `not_found` | 404 | No such route, vendor, tenant or link. | Check the URL; a link that is not valid cannot be repaired: mint a new one. |
         *     | `order_not_found` | 404 | No order with this id that this caller may see (another candidate's order looks the same, by design). | Check the order id and that the token or `candidateId` is for the order's candidate. |
         *     | `package_not_found` | 404 | The `packageId` is not in the tenant's catalog. | Pick an id from `GET /v1/packages`. |
         *     | `tenant_not_found` | 404 | Reserved: not sent by this version (an unknown tenant is `not_found` or `token_invalid`). | Check the tenant id. |
         *     | `idempotency_conflict` | 409 | This `Idempotency-Key` was used before with another request, or the first request with it is still running (then with `Retry-After`). | Use a new key for each new intent; reuse a key only to repeat the very same request. While one still runs, wait `Retry-After` and send it again to get its answer (docs/api.md#idempotency). |
         *     | `idempotency_key_required` | 400 | Reserved: not sent by this version (`Idempotency-Key` is optional). | Send an `Idempotency-Key` header. |
         *     | `link_expired` | 410 | The single-use link is older than 10 minutes. | Mint a new link (`POST /v1/orders/{id}/links`); the widget does so on each click. |
         *     | `link_used` | 410 | The single-use link was already followed. | Mint a new link for each visit. |
         *     | `report_unavailable` | 409 | The order has no report (yet): it is not scored, or the vendor offers none. | Ask for a report link once `order.result.reportAvailable` is true. |
         *     | `launch_unavailable` | 409 | The order cannot be launched in its status (not placed yet, finished, cancelled) or the vendor has no link for it. | Offer the launch only for `invited`, `scheduled` or `in_progress` orders; wait for placement to finish. |
         *     | `action_unavailable` | 409 | The recruiter action does not fit the order's status, or its vendor has no such call (PSI: no reminder). | Offer only the `actions` of the order's package that fit its status (docs/api.md#recruiter-actions). |
         *     | `payload_too_large` | 413 | The body is over the limit (256 KB for vendor notifications, less for API bodies). | Send a smaller body. |
         *     | `unsupported_media_type` | 415 | The body is not sent as `application/json`. | Send `Content-Type: application/json`. |
         *     | `rate_limited` | 429 | Too many open event streams for this caller, tenant or server, or too many failed authentication attempts from this client. | Wait the `Retry-After` seconds, then retry; close event streams you no longer read. |
         *     | `vendor_unavailable` | 503 | The vendor did not answer (timeout, 5xx, network); nothing was changed. Also on an order's `error` while placement keeps retrying. | Retry later with the same `Idempotency-Key`. |
         *     | `vendor_rejected` | 502 | The vendor refused the call; the message carries its reason. Also on a `failed` order's `error`. | Fix what the vendor names (often the candidate's data or the package's vendor settings); retrying unchanged fails again. |
         *     | `webhook_unauthorized` | 401 | A vendor notification failed authentication (vendor hooks only); nothing was stored. | Vendors: send the credentials configured for this tenant (Basic for Mettl, an OAuth token for PSI). |
         *     | `no_matching_order` | 400 | A PSI notification names no order of this tenant (vendor hooks only). | PSI: create the eligibility with the order's `vendorRef` as `client_eligibility_id` (docs/vendors/psi.md). |
         *     | `not_ready` | 503 | The BFF cannot reach its store (also `GET /readyz`). | Retry after a few seconds; operators check the database. |
         *     | `internal` | 500 | An unexpected failure on the BFF's side (logged with the request id). | Retry once; if it persists, report it with the response's `X-Request-Id`. |
         */
        ApiError: {
            error: {
                /** @enum {string} */
                code: "bad_request" | "validation_failed" | "unauthorized" | "token_missing" | "token_invalid" | "token_expired" | "forbidden" | "origin_not_allowed" | "not_found" | "order_not_found" | "package_not_found" | "tenant_not_found" | "idempotency_conflict" | "idempotency_key_required" | "link_expired" | "link_used" | "report_unavailable" | "launch_unavailable" | "action_unavailable" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "vendor_unavailable" | "vendor_rejected" | "webhook_unauthorized" | "no_matching_order" | "not_ready" | "internal";
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
                /**
                 * @example {
                 *       "role": "recruiter",
                 *       "candidate": {
                 *         "id": "cand-1001",
                 *         "firstName": "Ada",
                 *         "lastName": "Lovelace",
                 *         "email": "ada@example.com",
                 *         "locale": "en-GB"
                 *       },
                 *       "job": {
                 *         "id": "job-77",
                 *         "title": "Account executive"
                 *       },
                 *       "actor": "recruiter-7",
                 *       "ttlSeconds": 600
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJyb2xlIjoicmVjcnVpdGVyIiwiaXNzIjoiYWNtZSIsInN1YiI6ImNhbmQtMTAwMSJ9.2s44RzkLCGp0gqJH0-kIWuHQUsncG_qGPmfGlQqBZV8",
                     *       "expiresAt": "2026-12-06T02:48:37.000Z"
                     *     }
                     */
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
                    /**
                     * @example {
                     *       "packages": [
                     *         {
                     *           "id": "berke-sales",
                     *           "vendor": "berke",
                     *           "vendorName": "Berke",
                     *           "name": "Sales personality",
                     *           "kind": "personality",
                     *           "description": "Personality and job-fit profile.",
                     *           "actions": [
                     *             "cancel",
                     *             "remind",
                     *             "retake"
                     *           ]
                     *         },
                     *         {
                     *           "id": "psi-cert",
                     *           "vendor": "psi",
                     *           "vendorName": "PSI",
                     *           "name": "Certification exam",
                     *           "kind": "exam",
                     *           "description": "Proctored exam at a test center or online.",
                     *           "actions": [
                     *             "cancel",
                     *             "retake"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
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
                /**
                 * @description Required with an API key: the ATS's candidate id.
                 * @example cand-1001
                 */
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
                    /**
                     * @example {
                     *       "orders": [
                     *         {
                     *           "id": "o_sVchsCV5I2yI46lEjSp6",
                     *           "tenantId": "acme",
                     *           "candidateId": "cand-1001",
                     *           "packageId": "berke-sales",
                     *           "packageName": "Sales personality",
                     *           "vendor": "berke",
                     *           "vendorName": "Berke",
                     *           "vendorRef": "cand-1001",
                     *           "status": "invited",
                     *           "vendorStatus": "5",
                     *           "progress": null,
                     *           "version": 2,
                     *           "statusChangedAt": "2026-12-06T02:38:38.954Z",
                     *           "createdAt": "2026-12-06T02:38:38.127Z",
                     *           "booking": null,
                     *           "result": null,
                     *           "error": null,
                     *           "retakeOf": null,
                     *           "lastAction": null
                     *         }
                     *       ]
                     *     }
                     */
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
                /**
                 * @description Same key and body → same order; same key, other body → 409
                 * @example ats-order-cand-1001-berke-sales
                 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "packageId": "berke-sales",
                 *       "candidateId": "cand-1001",
                 *       "candidate": {
                 *         "firstName": "Ada",
                 *         "lastName": "Lovelace",
                 *         "email": "ada@example.com"
                 *       },
                 *       "job": {
                 *         "id": "job-77",
                 *         "title": "Account executive"
                 *       }
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "order": {
                     *         "id": "o_sVchsCV5I2yI46lEjSp6",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": null,
                     *         "status": "requested",
                     *         "vendorStatus": null,
                     *         "progress": null,
                     *         "version": 1,
                     *         "statusChangedAt": "2026-12-06T02:38:38.127Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": null,
                     *         "lastAction": null
                     *       }
                     *     }
                     */
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
                /** @example o_sVchsCV5I2yI46lEjSp6 */
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
                    /**
                     * @example {
                     *       "order": {
                     *         "id": "o_sVchsCV5I2yI46lEjSp6",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": "cand-1001",
                     *         "status": "invited",
                     *         "vendorStatus": "5",
                     *         "progress": null,
                     *         "version": 2,
                     *         "statusChangedAt": "2026-12-06T02:38:38.954Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": null,
                     *         "lastAction": null
                     *       }
                     *     }
                     */
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
                /** @example o_sVchsCV5I2yI46lEjSp6 */
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
                    /**
                     * @example {
                     *       "history": [
                     *         {
                     *           "status": "invited",
                     *           "vendorStatus": "5",
                     *           "vendorTime": "2026-12-06T02:38:38.954Z",
                     *           "receivedAt": "2026-12-06T02:38:39.093Z",
                     *           "source": "placement",
                     *           "applied": true,
                     *           "action": null,
                     *           "actor": null
                     *         },
                     *         {
                     *           "status": "cancelled",
                     *           "vendorStatus": "Berke DeleteAssessment",
                     *           "vendorTime": "2026-12-06T02:38:43.350Z",
                     *           "receivedAt": "2026-12-06T02:38:43.350Z",
                     *           "source": "recruiter",
                     *           "applied": true,
                     *           "action": "cancel",
                     *           "actor": "recruiter-7"
                     *         }
                     *       ]
                     *     }
                     */
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
            header?: {
                /**
                 * @description Same key → the same cancel: the vendor is called once; while the first still runs, 409 with Retry-After
                 * @example ats-order-cand-1001-berke-sales
                 */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @example o_sVchsCV5I2yI46lEjSp6 */
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
                    /**
                     * @example {
                     *       "order": {
                     *         "id": "o_sVchsCV5I2yI46lEjSp6",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": "cand-1001",
                     *         "status": "cancelled",
                     *         "vendorStatus": "Berke DeleteAssessment",
                     *         "progress": null,
                     *         "version": 6,
                     *         "statusChangedAt": "2026-12-06T02:38:43.350Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": null,
                     *         "lastAction": {
                     *           "at": "2026-12-06T02:38:43.350Z",
                     *           "actor": "recruiter-7",
                     *           "action": "cancel",
                     *           "vendorCall": "Berke DeleteAssessment"
                     *         }
                     *       },
                     *       "action": "cancel",
                     *       "changed": true,
                     *       "vendorCall": "Berke DeleteAssessment",
                     *       "message": "Cancelled at Berke (Berke DeleteAssessment)."
                     *     }
                     */
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
            /** @description Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request or its first request is still running (`idempotency_conflict`, with Retry-After) */
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
                /**
                 * @description Same key → the same reminder: the vendor is not asked to email again; while the first still runs, 409 with Retry-After
                 * @example ats-order-cand-1001-berke-sales
                 */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @example o_sVchsCV5I2yI46lEjSp6 */
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
                    /**
                     * @example {
                     *       "order": {
                     *         "id": "o_sVchsCV5I2yI46lEjSp6",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": "cand-1001",
                     *         "status": "invited",
                     *         "vendorStatus": "5",
                     *         "progress": null,
                     *         "version": 4,
                     *         "statusChangedAt": "2026-12-06T02:38:38.954Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": null,
                     *         "lastAction": {
                     *           "at": "2026-12-06T02:38:43.318Z",
                     *           "actor": "recruiter-7",
                     *           "action": "remind",
                     *           "vendorCall": "Berke SendInvitation"
                     *         }
                     *       },
                     *       "action": "remind",
                     *       "changed": true,
                     *       "vendorCall": "Berke SendInvitation",
                     *       "message": "Berke sent the invitation again (Berke SendInvitation).",
                     *       "sentBy": "vendor"
                     *     }
                     */
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
            /** @description Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request or its first request is still running (`idempotency_conflict`, with Retry-After) */
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
                /**
                 * @description Same key and order → the same new order; same key, another request → 409
                 * @example ats-order-cand-1001-berke-sales
                 */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @example o_sVchsCV5I2yI46lEjSp6 */
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
                    /**
                     * @example {
                     *       "order": {
                     *         "id": "o_kB6ccfftre3XGnITa11r",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": "cand-1001",
                     *         "status": "invited",
                     *         "vendorStatus": "5",
                     *         "progress": null,
                     *         "version": 2,
                     *         "statusChangedAt": "2026-12-06T02:38:38.954Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": "o_sVchsCV5I2yI46lEjSp6",
                     *         "lastAction": null
                     *       },
                     *       "action": "retake",
                     *       "changed": false,
                     *       "vendorCall": null,
                     *       "message": "This retake was already ordered."
                     *     }
                     */
                    "application/json": components["schemas"]["ActionResponse"];
                };
            };
            /** @description The new order, accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "order": {
                     *         "id": "o_kB6ccfftre3XGnITa11r",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": null,
                     *         "status": "requested",
                     *         "vendorStatus": null,
                     *         "progress": null,
                     *         "version": 1,
                     *         "statusChangedAt": "2026-12-06T02:38:38.127Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": "o_sVchsCV5I2yI46lEjSp6",
                     *         "lastAction": null
                     *       },
                     *       "action": "retake",
                     *       "changed": true,
                     *       "vendorCall": null,
                     *       "message": "A new attempt was ordered from Berke."
                     *     }
                     */
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
            /** @description Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request or its first request is still running (`idempotency_conflict`, with Retry-After) */
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
                /** @example o_sVchsCV5I2yI46lEjSp6 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "kind": "launch"
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "url": "https://bff.example.com/v1/links/bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4",
                     *       "expiresAt": "2026-12-06T02:48:43.265Z"
                     *     }
                     */
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
                /** @example bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4 */
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
            /** @description Not a link of this BFF */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
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
                /** @example cand-1002 */
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
                    /**
                     * @example {
                     *       "candidateId": "cand-1002",
                     *       "erasedAt": "2026-12-06T02:38:43.485Z",
                     *       "orders": 2,
                     *       "auditRef": "erased_b-fCXYBVQLa49etaABSStM"
                     *     }
                     */
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
                /**
                 * @description Required with an API key: the ATS's candidate id.
                 * @example cand-1001
                 */
                candidateId?: string;
                /** @example 41 */
                lastEventId?: string;
            };
            header?: {
                /** @example 41 */
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
                    /**
                     * @example {
                     *       "id": "42",
                     *       "type": "order.updated",
                     *       "orderId": "o_sVchsCV5I2yI46lEjSp6",
                     *       "candidateId": "cand-1001",
                     *       "tenantId": "acme",
                     *       "order": {
                     *         "id": "o_sVchsCV5I2yI46lEjSp6",
                     *         "tenantId": "acme",
                     *         "candidateId": "cand-1001",
                     *         "packageId": "berke-sales",
                     *         "packageName": "Sales personality",
                     *         "vendor": "berke",
                     *         "vendorName": "Berke",
                     *         "vendorRef": "cand-1001",
                     *         "status": "invited",
                     *         "vendorStatus": "5",
                     *         "progress": null,
                     *         "version": 2,
                     *         "statusChangedAt": "2026-12-06T02:38:38.954Z",
                     *         "createdAt": "2026-12-06T02:38:38.127Z",
                     *         "booking": null,
                     *         "result": null,
                     *         "error": null,
                     *         "retakeOf": null,
                     *         "lastAction": null
                     *       },
                     *       "at": "2026-12-06T02:38:39.093Z"
                     *     }
                     */
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
                content: {
                    /**
                     * @example {
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": {
                        /** @enum {unknown} */
                        status: "ok";
                    };
                };
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
                content: {
                    /**
                     * @example {
                     *       "status": "ready"
                     *     }
                     */
                    "application/json": {
                        /** @enum {unknown} */
                        status: "ready";
                    };
                };
            };
            /** @description not ready, with the reason */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "not_ready",
                     *       "reason": "the database did not answer within 2000 ms"
                     *     }
                     */
                    "application/json": {
                        /** @enum {unknown} */
                        status: "not_ready";
                        reason?: string;
                    };
                };
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
            /** @description Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example # TYPE ca_ats_webhook_attempts_total counter
                     *     ca_ats_webhook_attempts_total{outcome="delivered"} 12
                     */
                    "text/plain": string;
                };
            };
            /** @description `metricsToken` is set and the request does not carry it */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
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
                content: {
                    /** @example import{…}from"…";customElements.define("candidate-assessment",…); */
                    "text/javascript": string;
                };
            };
            /** @description The widget is not built on this server */
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
    widgetBundleVersioned: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description First 16 hex digits of the bundle's SHA-384
                 * @example 9f2c4e1a7b3d5c60
                 */
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
                content: {
                    /** @example import{…}from"…";customElements.define("candidate-assessment",…); */
                    "text/javascript": string;
                };
            };
            /** @description This BFF serves another build; the message names it */
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
    putVendorNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).
                 * @example psi
                 */
                vendor: string;
                /**
                 * @description The tenant id from the BFF config.
                 * @example acme
                 */
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "change_reason": "SCHEDULED",
                 *       "client_eligibility_id": "o_sVchsCV5I2yI46lEjSp6",
                 *       "candidate_id": "cand-1001",
                 *       "exam_code": "CERT-1"
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "ok": true,
                     *       "outcome": "applied"
                     *     }
                     */
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
                /**
                 * @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).
                 * @example mettl
                 */
                vendor: string;
                /**
                 * @description The tenant id from the BFF config.
                 * @example acme
                 */
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "EVENT_TYPE": "TEST_FINISHED",
                 *       "invitation_key": "a1b2c3",
                 *       "context_data": "<signed by the BFF at registration>"
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "ok": true,
                     *       "outcome": "applied"
                     *     }
                     */
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
                /**
                 * @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).
                 * @example pymetrics
                 */
                vendor: string;
                /**
                 * @description The tenant id from the BFF config.
                 * @example acme
                 */
                tenant: string;
                /**
                 * @description A signed ticket the BFF issued for one order; opaque.
                 * @example bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4
                 */
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
                    /**
                     * @example {
                     *       "ok": true
                     *     }
                     */
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
                /**
                 * @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).
                 * @example pymetrics
                 */
                vendor: string;
                /**
                 * @description The tenant id from the BFF config.
                 * @example acme
                 */
                tenant: string;
                /**
                 * @description A signed ticket the BFF issued for one order; opaque.
                 * @example bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4
                 */
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
                    /**
                     * @example {
                     *       "ok": true
                     *     }
                     */
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
                /**
                 * @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).
                 * @example berke
                 */
                vendor: string;
                /**
                 * @description The tenant id from the BFF config.
                 * @example acme
                 */
                tenant: string;
                /**
                 * @description A signed ticket the BFF issued for one order; opaque.
                 * @example bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4
                 */
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
                    /** @example <!doctype html><html lang="en"><title>Thank you</title><p>Thank you. You can close this page.</p></html> */
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
                    /** @example <!doctype html><html lang="en"><title>Thank you</title><p>This link is not valid.</p></html> */
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
                /**
                 * @description The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).
                 * @example mettl
                 */
                vendor: string;
                /**
                 * @description The tenant id from the BFF config.
                 * @example acme
                 */
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
                    /** @example <!doctype html><html lang="en"><title>Thank you</title><p>Thank you. You can close this page.</p></html> */
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
                    /** @example <!doctype html><html lang="en"><title>Thank you</title><p>This link is not valid.</p></html> */
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
                /**
                 * @example {
                 *       "grant_type": "client_credentials",
                 *       "scope": "hooks"
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "access_token": "dG9rZW4tZm9yLXBzaS1ob29rcw",
                     *       "token_type": "Bearer",
                     *       "expires_in": 3600,
                     *       "scope": "hooks"
                     *     }
                     */
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
                    /**
                     * @example {
                     *       "error": "unsupported_grant_type",
                     *       "error_description": "Only client_credentials is supported."
                     *     }
                     */
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
                    /**
                     * @example {
                     *       "error": "invalid_client"
                     *     }
                     */
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
                    /**
                     * @example {
                     *       "openapi": "3.1.0",
                     *       "info": {
                     *         "title": "candidate-assessment BFF"
                     *       }
                     *     }
                     */
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
                    /** @example <!doctype html><html><head><title>candidate-assessment API</title>… */
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
                    /** @example /* Scalar API reference *\/… */
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
                /**
                 * @description e.g. `de-<hash>.js`
                 * @example de-3f9c1a2b.js
                 */
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
                    /** @example export default `Bewertungen\nLive\n…`; */
                    "text/javascript": string;
                };
            };
            /** @description No such file */
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
    widgetMessagesVersioned: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The bundle's version
                 * @example 9f2c4e1a7b3d5c60
                 */
                version: string;
                /**
                 * @description e.g. `de-<hash>.js`
                 * @example de-3f9c1a2b.js
                 */
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
                    /** @example export default `Bewertungen\nLive\n…`; */
                    "text/javascript": string;
                };
            };
            /** @description No such file */
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
    atsOrderEvent: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `evt_{event id}`: the same for every retry of one event (deduplicate on it)
                 * @example evt_42
                 */
                "webhook-id": string;
                /**
                 * @description Unix seconds of this attempt
                 * @example 1796524719
                 */
                "webhook-timestamp": string;
                /**
                 * @description `v1,{base64 HMAC-SHA256}`, space-separated when several
                 * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=
                 */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "id": "42",
                 *       "type": "order.updated",
                 *       "orderId": "o_sVchsCV5I2yI46lEjSp6",
                 *       "candidateId": "cand-1001",
                 *       "tenantId": "acme",
                 *       "order": {
                 *         "id": "o_sVchsCV5I2yI46lEjSp6",
                 *         "tenantId": "acme",
                 *         "candidateId": "cand-1001",
                 *         "packageId": "berke-sales",
                 *         "packageName": "Sales personality",
                 *         "vendor": "berke",
                 *         "vendorName": "Berke",
                 *         "vendorRef": "cand-1001",
                 *         "status": "invited",
                 *         "vendorStatus": "5",
                 *         "progress": null,
                 *         "version": 2,
                 *         "statusChangedAt": "2026-12-06T02:38:38.954Z",
                 *         "createdAt": "2026-12-06T02:38:38.127Z",
                 *         "booking": null,
                 *         "result": null,
                 *         "error": null,
                 *         "retakeOf": null,
                 *         "lastAction": null
                 *       },
                 *       "at": "2026-12-06T02:38:39.093Z"
                 *     }
                 */
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
