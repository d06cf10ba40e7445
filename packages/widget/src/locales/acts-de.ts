// German words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `Abbrechen
Einladung erneut senden
Neuer Versuch
Diesen Test abbrechen? Der Kandidat kann ihn dann nicht mehr ablegen.
Wird ausgeführt…
Senden Sie dem Kandidaten diesen Link:`;
