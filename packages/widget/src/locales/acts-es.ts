// Spanish words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `Cancelar
Reenviar la invitación
Nuevo intento
¿Cancelar esta evaluación? El candidato ya no podrá realizarla.
Procesando…
Envía este enlace al candidato:`;
