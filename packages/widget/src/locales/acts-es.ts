// Spanish words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `Cancelar
Reenviar la invitación
Nuevo intento
¿Cancelar esta evaluación? El candidato ya no podrá realizarla.
Procesando…
Envía este enlace al candidato:
Cancelada con el proveedor.
Cancelada aquí; no se pidió al proveedor que la retirara.
El proveedor reenvió la invitación.
El proveedor no envía recordatorios por sí mismo.
Se ha pedido un nuevo intento.
Ya estaba hecho.
Esto no es posible para esta evaluación ahora.
El proveedor lo rechazó. No se ha cambiado nada.
El proveedor no respondió. No se ha cambiado nada; inténtalo de nuevo en un momento.
No se pudo hacer. Inténtalo de nuevo.`;
