// The quiz add-on of the script tag, fetched only on pages that have a quiz. It
// carries only what the tag calls; apps that render quizzes themselves import the
// runner and the renderer from the npm module.
import { mountQuiz, mountQuizzes } from '../widgets/quiz/mount';

(window as Window & { AttuneQuiz?: unknown }).AttuneQuiz = { mountQuiz, mountQuizzes };
