package io.iisport.conformance.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.PrintWriter;

/** A multipart/form-data upload (multipart-config in web.xml): lists each part's name, file name, type and size. */
public class UploadServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        response.setContentType("text/plain");
        PrintWriter writer = response.getWriter();
        for (Part part : request.getParts()) {
            writer.write(part.getName() + " file=" + part.getSubmittedFileName() + " type=" + part.getContentType()
                    + " size=" + part.getSize() + "\n");
        }
        writer.write("field=" + request.getParameter("field") + "\n");
    }
}
