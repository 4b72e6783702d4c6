// import { assertUnbroken } from 'ctxbridge/doctor'
import doctor from './lib/doctor.js';

export const { diagnose, assertUnbroken, main } = doctor;
export default doctor;
