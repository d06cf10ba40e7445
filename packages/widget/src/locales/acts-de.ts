// German words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `Abbrechen
Einladung erneut senden
Neuer Versuch
Diesen Test abbrechen? Der Kandidat kann ihn dann nicht mehr ablegen.
Wird ausgeführt…
Senden Sie dem Kandidaten diesen Link:
Beim Anbieter storniert.
Hier storniert; der Anbieter wurde nicht gebeten, den Test zurückzuziehen.
Der Anbieter hat die Einladung erneut gesendet.
Der Anbieter versendet selbst keine Erinnerungen.
Ein neuer Versuch wurde bestellt.
Das war bereits erledigt.
Das ist für diesen Test derzeit nicht möglich.
Der Anbieter hat abgelehnt. Es wurde nichts geändert.
Der Anbieter hat nicht geantwortet. Es wurde nichts geändert; versuchen Sie es gleich noch einmal.
Das hat nicht geklappt. Versuchen Sie es erneut.`;
