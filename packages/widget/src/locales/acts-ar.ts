// Arabic words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `إلغاء
إعادة إرسال الدعوة
محاولة جديدة
هل تريد إلغاء هذا التقييم؟ لن يتمكن المرشح من إجرائه بعد ذلك.
جارٍ التنفيذ…
أرسل هذا الرابط إلى المرشح:`;
