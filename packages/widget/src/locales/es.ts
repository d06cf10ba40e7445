// Spanish, one message a line in the order of `en` (i18n.ts); a plural message lists Intl.PluralRules categories.
export default `Evaluaciones
En vivo
Reconectando…
Solicitada
Invitación enviada
Programada
En curso
Completada
Resultados disponibles
Caducada
Cancelada
No se presentó
Ausencia justificada
Rechazada
Actualizada {0}
Progreso
Examen reservado
Centro de examen
A distancia
Puntuación
Nivel
Aprobado
No aprobado
Adecuación
alta
media
baja
Subpuntuaciones
Adecuación a puestos
principal
Ver informe
Iniciar evaluación
Continuar
Completada
Enviar evaluación
Evaluación
Enviando…
Evaluación enviada: {0}
Aún no hay evaluaciones.
No se pudieron cargar las evaluaciones.
Reintentar
Cargando evaluaciones
(se abre en una pestaña nueva)
Tu sesión ha caducado. Vuelve a cargar la página para continuar.
No se puede conectar con el servicio de evaluaciones.
El proveedor rechazó este pedido.
El proveedor no está disponible en este momento. Inténtalo más tarde.
Algo salió mal.
one:{0} evaluación|many:{0} de evaluaciones|other:{0} evaluaciones
Reserva cancelada`;
