// The recruiter actions' part of /openapi.json: POST /v1/orders/{id}/cancel | remind | retake. Documentation only.

type Json = Record<string, unknown>;

export function actionPaths(o: { content: Json; error: (d: string) => Json; errors: Json; idParam: Json }): Json {
  const key = (what: string) => ({ name: 'Idempotency-Key', in: 'header', required: false, description: what, schema: { type: 'string', maxLength: 255 } });
  const common = {
    tags: ['Orders'],
    security: [{ widgetToken: [] }, { apiKey: [] }],
    responses: {
      '200': { description: 'Done, or already done (`changed: false`)', content: o.content },
      '409': o.error(
        'Not possible for this order now (`action_unavailable`), or the Idempotency-Key was used for another request or its first request is still running (`idempotency_conflict`, with Retry-After)',
      ),
      '502': o.error("The vendor refused (`vendor_rejected`); nothing was changed"),
      '503': o.error("The vendor did not answer (`vendor_unavailable`); nothing was changed"),
      ...o.errors,
    },
  };
  const op = (operationId: string, summary: string, description: string, extra: Json = {}) => ({
    post: {
      operationId,
      summary,
      description,
      ...common,
      parameters: [o.idParam, ...((extra['parameters'] as Json[] | undefined) ?? [])],
      responses: { ...common.responses, ...((extra['responses'] as Json | undefined) ?? {}) },
    },
  });
  return {
    '/v1/orders/{id}/cancel': op(
      'cancelOrder',
      'Cancel an order (recruiter or API key)',
      "Withdraws the assessment with the vendor's own call where it has one (Berke `DeleteAssessment`); where it has none " +
        '(pymetrics, Mettl, PSI) the order is marked cancelled here only and no more launch links are issued: `vendorCall` is ' +
        'then null and `message` says so. Only before the candidate finishes (requested, invited, scheduled, in progress). ' +
        'Idempotent: cancelling a cancelled order answers `changed: false`. Recorded in the history with the actor and sent ' +
        'as an `order.updated` event (SSE and ATS webhook) with `order.lastAction`.',
      { parameters: [key('Same key → the same cancel: the vendor is called once; while the first still runs, 409 with Retry-After')] },
    ),
    '/v1/orders/{id}/remind': op(
      'remindOrder',
      'Send the invitation again (recruiter or API key)',
      'Berke: `SendInvitation` emails the candidate (`sentBy: vendor`). Mettl (a fresh registration link) and pymetrics (the ' +
        "order's `assessment_url`) send nothing themselves: `sentBy: ats` and `url` is the link for the ATS to send. PSI has " +
        'no reminder (`action_unavailable`). With the same Idempotency-Key an email is never sent twice. Recorded in the ' +
        'history with the actor and sent as an `order.updated` event with `order.lastAction`.',
      { parameters: [key('Same key → the same reminder: the vendor is not asked to email again; while the first still runs, 409 with Retry-After')] },
    ),
    '/v1/orders/{id}/retake': op(
      'retakeOrder',
      'Order a new attempt, linked to this one (recruiter or API key)',
      'Only once this attempt is over (completed, scored, expired, cancelled, no show, excused, failed). The new order has ' +
        '`retakeOf` = this order id and is placed like any order (Mettl: the next attempt’s schedule). Idempotent with ' +
        '`Idempotency-Key` like `POST /v1/orders`. The original order records the retake in its history and `lastAction`.',
      {
        parameters: [key('Same key and order → the same new order; same key, another request → 409')],
        responses: { '202': { description: 'The new order, accepted', content: o.content } },
      },
    ),
  };
}
