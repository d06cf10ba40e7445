// Hindi words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `रद्द करें
आमंत्रण फिर से भेजें
नया प्रयास
क्या यह आकलन रद्द करें? इसके बाद उम्मीदवार इसे नहीं दे पाएगा।
प्रक्रिया जारी है…
उम्मीदवार को यह लिंक भेजें:`;
