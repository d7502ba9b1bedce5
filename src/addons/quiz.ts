// The quiz add-on of the script tag, fetched only on pages that have a quiz.
import * as quiz from '../widgets/quiz/index';

(window as Window & { AttuneQuiz?: unknown }).AttuneQuiz = quiz;
