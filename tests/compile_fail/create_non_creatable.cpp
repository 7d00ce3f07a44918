// Must NOT compile: Binary is not creatable, and create<Binary>() says so at compile time.
#include "cbapi/response.hpp"

void make_binary(const cbapi::response::CbResponseAPI& cb) { (void)cb.create<cbapi::response::Binary>(); }
