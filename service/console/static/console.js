// The account console's only script: the city search of the address form.
// Everything works without it; with it, typing in the city field offers the
// catalogue's cities of the chosen country.
"use strict";
