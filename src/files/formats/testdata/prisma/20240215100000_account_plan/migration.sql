-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "plan" TEXT NOT NULL DEFAULT 'free';
